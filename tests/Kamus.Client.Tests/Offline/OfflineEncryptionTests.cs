using Kamus.Client.Offline;
using Kamus.Client.Tests.Server;
using Kamus.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Kamus.Client.Tests.Offline;

/// <summary>
/// The public offline API against the real server: a statement fetched with <see cref="KamusClient"/>, checked and used by
/// <see cref="KamusOfflineEncryptor"/>, and the values decrypted by the client as the right account only.
/// </summary>
public sealed class OfflineEncryptionTests : IAsyncLifetime
{
    private const string OtherToken = "token-team-a-worker-0123456789";

    private KamusServerHost _server = null!;

    public async Task InitializeAsync()
    {
        _server = await KamusServerHost.StartAsync(o => o.UseOfflineKeys());
        _server.StandIn.AddToken(ServerTestContext.TeamAToken, "team-a", "api");
        _server.StandIn.AddToken(OtherToken, "team-a", "worker");
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_value_encrypted_with_a_fetched_statement_decrypts_for_its_account_and_is_refused_for_another()
    {
        using var client = new KamusClient(ServerTestContext.Options(_server.Url));
        var statement = await client.GetPublicKeyStatementAsync("api", "team-a");
        using var encryptor = KamusOfflineEncryptor.Create(statement, "team-a", "api", OfflineKeys.SignerFingerprint(_server));

        var ciphertexts = new[] { encryptor.Encrypt("first ☃"), encryptor.Encrypt("first ☃"), encryptor.Encrypt("second") };

        // Every value has its own ephemeral key: the same plaintext twice gives two different ciphertexts.
        Assert.Equal(3, ciphertexts.Distinct().Count());
        var outcomes = await client.DecryptManyAsync(ciphertexts);
        Assert.Equal(["first ☃", "first ☃", "second"], outcomes.Select(o => o.Plaintext));

        using var other = new KamusClient(ServerTestContext.Options(_server.Url, OtherToken));
        var refused = await other.DecryptManyAsync(ciphertexts);
        Assert.All(refused, o => Assert.Equal(KamusErrorKind.Forbidden, o.Error?.Kind));
    }

    [Fact]
    public async Task One_encryptor_is_safe_to_share_between_threads()
    {
        using var client = new KamusClient(ServerTestContext.Options(_server.Url));
        var statement = await client.GetPublicKeyStatementAsync("api", "team-a");
        using var encryptor = KamusOfflineEncryptor.Create(statement, "team-a", "api", OfflineKeys.SignerFingerprint(_server));
        var ciphertexts = new string[200];

        Parallel.For(0, ciphertexts.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => ciphertexts[i] = encryptor.Encrypt($"value-{i}"));

        var outcomes = await client.DecryptManyAsync(ciphertexts);
        Assert.Equal(Enumerable.Range(0, ciphertexts.Length).Select(i => $"value-{i}"), outcomes.Select(o => o.Plaintext));
    }

    [Fact]
    public async Task A_wrong_pin_another_account_and_an_expired_statement_are_refused_naming_the_reason()
    {
        using var client = new KamusClient(ServerTestContext.Options(_server.Url));
        var statement = await client.GetPublicKeyStatementAsync("api", "team-a");
        var pin = OfflineKeys.SignerFingerprint(_server);

        var wrongPin = Assert.Throws<KamusException>(() => KamusOfflineEncryptor.Create(statement, "team-a", "api", new string('a', 64)));
        Assert.Equal(KamusErrorKind.InvalidPublicKeyStatement, wrongPin.Kind);
        Assert.Contains($"signed by the key with fingerprint {pin}, not the pinned one", wrongPin.Message, StringComparison.Ordinal);

        var otherAccount = Assert.Throws<KamusException>(() => KamusOfflineEncryptor.Create(statement, "team-a", "worker", pin));
        Assert.Equal(KamusErrorKind.InvalidPublicKeyStatement, otherAccount.Kind);
        Assert.Contains("it is the key of team-a:api, not of team-a:worker", otherAccount.Message, StringComparison.Ordinal);

        var badPin = Assert.Throws<KamusException>(() => KamusOfflineEncryptor.Create(statement, "team-a", "api", "not-a-fingerprint"));
        Assert.Equal(KamusErrorKind.Configuration, badPin.Kind);

        var clock = new FakeTimeProvider(statement.NotAfter.AddSeconds(-1));
        using var encryptor = KamusOfflineEncryptor.Create(statement, "team-a", "api", pin, clock);
        Assert.StartsWith("k2h.", encryptor.Encrypt("just in time"), StringComparison.Ordinal);
        clock.Advance(TimeSpan.FromSeconds(1));
        var expired = Assert.Throws<KamusException>(() => encryptor.Encrypt("too late"));
        Assert.Equal(KamusErrorKind.InvalidPublicKeyStatement, expired.Kind);
        Assert.Contains("expired", expired.Message, StringComparison.Ordinal);
        Assert.Throws<KamusException>(() => KamusOfflineEncryptor.Create(statement, "team-a", "api", pin, clock));
    }

    [Fact]
    public async Task A_tampered_or_malformed_statement_is_refused()
    {
        using var client = new KamusClient(ServerTestContext.Options(_server.Url));
        var json = (await client.GetPublicKeyStatementAsync("api", "team-a")).ToJson();

        // Extending the expiry (or changing any other field) breaks the signature, even with the right signer pinned.
        var notAfter = System.Text.Json.Nodes.JsonNode.Parse(json)!["notAfter"]!.GetValue<string>();
        var extended = KamusPublicKeyStatement.Parse(json.Replace(notAfter, "2999-01-01T00:00:00Z", StringComparison.Ordinal));
        var tampered = Assert.Throws<KamusException>(() => KamusOfflineEncryptor.Create(extended, "team-a", "api", OfflineKeys.SignerFingerprint(_server)));
        Assert.Contains("signature does not verify", tampered.Message, StringComparison.Ordinal);

        foreach (var malformed in new[] { "", "{}", "not json", json.Replace("\"epoch\": 1", "\"epoch\": 2", StringComparison.Ordinal) })
        {
            var error = Assert.Throws<KamusException>(() => KamusPublicKeyStatement.Parse(malformed));
            Assert.Equal(KamusErrorKind.InvalidPublicKeyStatement, error.Kind);
        }
    }

    [Fact]
    public async Task Fetching_from_a_server_without_offline_keys_says_so()
    {
        await using var plain = await KamusServerHost.StartAsync();
        using var client = new KamusClient(ServerTestContext.Options(plain.Url));

        var error = await Assert.ThrowsAsync<KamusException>(() => client.GetPublicKeyStatementAsync("api", "team-a"));

        Assert.Equal(KamusErrorKind.Configuration, error.Kind);
        Assert.Contains("GET /api/v2/publickeys/team-a/api failed with HTTP 404: this server offers no public keys", error.Message, StringComparison.Ordinal);
    }
}
