using System.Net;
using System.Text.Json.Nodes;
using System.Text;
using Kamus.Testing;
using Kamus.Wire.Crypto;
using Kamus.Wire.Crypto.Hpke;
using Kamus.Wire.Formats;
using Kamus.Wire.Identity;

namespace Kamus.Server.Tests;

/// <summary>
/// Offline encryption against the real server: statements from <c>GET /api/v2/publickeys</c>, values sealed with the
/// statement alone (the wire's sealer; the client library's is tested against this server in Kamus.Client.Tests),
/// decrypted through both decrypt endpoints for the bound account only, and epoch rotation.
/// </summary>
public sealed class OfflineTests : IAsyncLifetime
{
    private KamusServerHost _server = null!;
    private RawKamusApi _api = null!;

    public async Task InitializeAsync()
    {
        _server = await KamusServerHost.StartAsync(o => o.UseOfflineKeys(epoch: 1));
        AddTokens(_server);
        _api = new RawKamusApi(_server.CreateHttpClient());
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_value_sealed_with_the_statement_alone_decrypts_for_its_account_only_on_both_endpoints()
    {
        var (_, ciphertext) = await SealAsync(_server, "ns-a", "sa1", "offline s3cret ✓");

        Assert.StartsWith("k2h.0010-0001-0002.e1-", ciphertext, StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.OK, "offline s3cret ✓"), await _api.DecryptTextAsync(ServerFixture.TokenA1, ciphertext));
        Assert.Equal([("offline s3cret ✓", null)], await _api.DecryptManyOkAsync(ServerFixture.TokenA1, [ciphertext]));

        Assert.Equal((HttpStatusCode.Forbidden, "forbidden"), await _api.DecryptTextAsync(ServerFixture.TokenA2, ciphertext));
        Assert.Equal((HttpStatusCode.Forbidden, "forbidden"), await _api.DecryptTextAsync(ServerFixture.TokenB1, ciphertext));
        Assert.Equal([(null, "Forbidden")], await _api.DecryptManyOkAsync(ServerFixture.TokenB1, [ciphertext]));
    }

    [Fact]
    public async Task The_statement_names_the_account_and_epoch_and_verifies_under_the_logged_signer()
    {
        var statement = await StatementAsync(_server, "ns-a", "sa1");

        Assert.Equal(("ns-a:sa1", 1), (statement.Identity.ToString(), statement.Epoch));
        Assert.Equal(OfflineKeys.SignerFingerprint(_server), statement.SignerFingerprint);
        Assert.True(statement.NotAfter > DateTimeOffset.UtcNow.AddDays(364));

        // Deterministic per account and epoch: fetched again, the same key; another account, another key.
        Assert.Equal(statement.KeyId, (await StatementAsync(_server, "ns-a", "sa1")).KeyId);
        Assert.NotEqual(statement.KeyId, (await StatementAsync(_server, "ns-a", "sa2")).KeyId);
    }

    [Fact]
    public async Task A_new_epoch_rotates_the_keys_and_values_of_the_old_epoch_still_decrypt()
    {
        var (epoch1, old) = await SealAsync(_server, "ns-a", "sa1", "made at epoch 1");

        await using var rotated = await KamusServerHost.StartAsync(o => o.UseOfflineKeys(epoch: 2));
        AddTokens(rotated);
        var api = new RawKamusApi(rotated.CreateHttpClient());
        var (epoch2, current) = await SealAsync(rotated, "ns-a", "sa1", "made at epoch 2");

        Assert.Equal(2, epoch2.Epoch);
        Assert.NotEqual(epoch1.KeyId, epoch2.KeyId);
        Assert.Equal(OfflineKeys.SignerFingerprint(_server), OfflineKeys.SignerFingerprint(rotated));
        Assert.Equal([("made at epoch 1", null), ("made at epoch 2", null)], await api.DecryptManyOkAsync(ServerFixture.TokenA1, [old, current]));
        Assert.Equal((HttpStatusCode.Forbidden, "forbidden"), await api.DecryptTextAsync(ServerFixture.TokenA2, old));

        // A server still at epoch 1 (mid rollout) says why it cannot read the newer value.
        Assert.Equal((HttpStatusCode.BadRequest, "invalid ciphertext"), await _api.DecryptTextAsync(ServerFixture.TokenA1, current));
        Assert.Contains(_server.AuditLines(), l => l.Contains("key epoch 2, newer than this server's current epoch 1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_value_for_another_deployments_seed_is_refused_and_an_altered_value_is_invalid()
    {
        await using var other = await KamusServerHost.StartAsync(o => o.UseOfflineKeys(secrets: OfflineKeys.Generate()));
        var (_, foreign) = await SealAsync(other, "ns-a", "sa1", "elsewhere");
        Assert.Equal((HttpStatusCode.Forbidden, "forbidden"), await _api.DecryptTextAsync(ServerFixture.TokenA1, foreign));
        Assert.NotEqual(OfflineKeys.SignerFingerprint(_server), OfflineKeys.SignerFingerprint(other));

        var (_, ciphertext) = await SealAsync(_server, "ns-a", "sa1", "value");
        var altered = ciphertext[..^3] + (ciphertext[^3] == 'A' ? 'B' : 'A') + ciphertext[^2..];
        Assert.Equal((HttpStatusCode.BadRequest, "invalid ciphertext"), await _api.DecryptTextAsync(ServerFixture.TokenA1, altered));
    }

    [Fact]
    public async Task A_config_bound_value_decrypts_for_its_account_and_a_KamusSecret_bound_one_never_reaches_a_pod()
    {
        var (_, config) = await SealAsync(_server, "ns-a", "sa1", "bound to a key", "config:ConnectionStrings:Orders");
        var (_, secret) = await SealAsync(_server, "ns-a", "sa1", "for the controller", "kamussecret:ns-a/orders/password");

        Assert.Equal((HttpStatusCode.OK, "bound to a key"), await _api.DecryptTextAsync(ServerFixture.TokenA1, config));
        Assert.Equal((HttpStatusCode.Forbidden, "forbidden"), await _api.DecryptTextAsync(ServerFixture.TokenA1, secret));
        Assert.Equal([(null, "Forbidden")], await _api.DecryptManyOkAsync(ServerFixture.TokenA1, [secret]));
    }

    [Theory]
    [InlineData("ns-a/default", HttpStatusCode.BadRequest, "the default service account is not allowed")]
    [InlineData("NS/sa1", HttpStatusCode.BadRequest, "invalid namespace name")]
    [InlineData("ns-a/Sa_1", HttpStatusCode.BadRequest, "invalid service-account name")]
    public async Task Statements_are_refused_for_invalid_or_default_accounts(string path, HttpStatusCode status, string message)
    {
        using var http = _server.CreateHttpClient();
        using var response = await http.GetAsync("api/v2/publickeys/" + path);
        Assert.Equal((status, message), (response.StatusCode, await response.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task A_server_without_offline_keys_answers_404_and_refuses_offline_values_as_invalid()
    {
        var (_, ciphertext) = await SealAsync(_server, "ns-a", "sa1", "value");
        await using var plain = await KamusServerHost.StartAsync();
        AddTokens(plain);
        using var http = plain.CreateHttpClient();

        using var response = await http.GetAsync("api/v2/publickeys/ns-a/sa1");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("KeyManagement:Offline", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.BadRequest, "invalid ciphertext"), await new RawKamusApi(http).DecryptTextAsync(ServerFixture.TokenA1, ciphertext));
    }

    private static void AddTokens(KamusServerHost host)
    {
        host.StandIn.AddToken(ServerFixture.TokenA1, "ns-a", "sa1");
        host.StandIn.AddToken(ServerFixture.TokenA2, "ns-a", "sa2");
        host.StandIn.AddToken(ServerFixture.TokenB1, "ns-b", "sa1");
    }

    private static async Task<PublicKeyStatement> StatementAsync(KamusServerHost host, string @namespace, string serviceAccount)
    {
        using var http = host.CreateHttpClient();
        using var response = await http.GetAsync($"api/v2/publickeys/{@namespace}/{serviceAccount}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("KamusPublicKeyStatement", JsonNode.Parse(body)!["kind"]!.GetValue<string>());
        Assert.True(PublicKeyStatement.TryParse(body, out var statement, out var reason), reason);
        Assert.True(Sha256Fingerprint.TryParse(OfflineKeys.SignerFingerprint(host), out var pin));
        Assert.True(statement.TryVerify(new ServiceAccountIdentity(@namespace, serviceAccount), pin, DateTimeOffset.UtcNow, out reason), reason);
        return statement;
    }

    private static async Task<(PublicKeyStatement Statement, string Ciphertext)> SealAsync(KamusServerHost host, string @namespace, string serviceAccount, string plaintext, string? context = null)
    {
        var statement = await StatementAsync(host, @namespace, serviceAccount);
        using var key = HpkePublicKey.Import(statement.PublicKey);
        return (statement, OfflineCipher.Seal(statement.Suite, statement.KeyId, key, statement.Identity, Encoding.UTF8.GetBytes(plaintext), context));
    }
}
