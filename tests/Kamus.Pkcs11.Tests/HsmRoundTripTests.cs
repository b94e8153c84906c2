using System.Net;
using Kamus.Client;
using Kamus.Client.Tokens;

namespace Kamus.Pkcs11.Tests;

[Collection(SoftHsmGroup.Name)]
public sealed class HsmRoundTripTests(SoftHsmFixture hsm) : IAsyncLifetime
{
    private HsmServer _server = null!;

    public async Task InitializeAsync() => _server = await HsmServer.StartAsync(hsm);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [SoftHsmFact]
    public async Task A_v1_value_round_trips_through_the_token()
    {
        var wrapsBefore = _server.Hsm.WrapCalls;
        var ciphertext = await _server.Api.EncryptOkAsync("s3cret-é", "sa1", "ns-a");

        Assert.StartsWith("k2.k1.", ciphertext, StringComparison.Ordinal);
        Assert.Equal(wrapsBefore + 1, _server.Hsm.WrapCalls);
        var (status, body) = await _server.Api.DecryptTextAsync(HsmServer.TokenA1, ciphertext);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("s3cret-é", body);
    }

    [SoftHsmFact]
    public async Task A_v2_batch_shares_one_wrap_and_decrypts_with_one_unwrap()
    {
        var items = Enumerable.Range(0, 50).ToDictionary(i => $"key{i}", i => $"value-{i}");
        var wrapsBefore = _server.Hsm.WrapCalls;
        var encrypted = await _server.Api.EncryptManyOkAsync("sa1", "ns-a", items);
        Assert.Equal(wrapsBefore + 1, _server.Hsm.WrapCalls);
        Assert.All(encrypted.Values, c => Assert.StartsWith("k2e.k1.", c, StringComparison.Ordinal));

        var unwrapsBefore = _server.Hsm.UnwrapCalls;
        var names = items.Keys.ToArray();
        var results = await _server.Api.DecryptManyOkAsync(HsmServer.TokenA1, names.Select(n => encrypted[n]));

        Assert.Equal(names.Select(n => items[n]), results.Select(r => r.Plaintext));
        Assert.Equal(unwrapsBefore + 1, _server.Hsm.UnwrapCalls);
    }

    [SoftHsmFact]
    public async Task The_client_fast_path_unwraps_the_shared_key_once_in_the_token()
    {
        using var client = new KamusClient(new KamusClientOptions
        {
            Url = _server.Host.Url,
            TokenSource = new StaticTokenSource(HsmServer.TokenA1),
            AttemptTimeout = TimeSpan.FromSeconds(20),
            TotalTimeout = TimeSpan.FromSeconds(60),
        });
        var items = Enumerable.Range(0, 200).ToDictionary(i => $"Secret:{i}", i => $"value-{i}");
        var encrypted = await client.EncryptManyAsync("sa1", "ns-a", items);
        var names = items.Keys.ToArray();
        _server.Host.ResetCounts();
        var unwrapsBefore = _server.Hsm.UnwrapCalls;

        var outcomes = await client.DecryptManyAsync([.. names.Select(n => encrypted[n])]);

        Assert.Equal(names.Select(n => items[n]), outcomes.Select(o => o.Plaintext));
        Assert.Equal(1, _server.Host.RequestCount("/api/v2/decrypt") + _server.Host.RequestCount("/api/v1/decrypt"));
        Assert.Equal(unwrapsBefore + 1, _server.Hsm.UnwrapCalls);
        Assert.Equal(items["Secret:7"], await client.DecryptAsync(encrypted["Secret:7"]));
    }

    [SoftHsmFact]
    public async Task Another_service_account_is_refused()
    {
        var value = await _server.Api.EncryptOkAsync("only-for-sa1", "sa1", "ns-a");
        var envelope = (await _server.Api.EncryptManyOkAsync("sa1", "ns-a", new Dictionary<string, string> { ["x"] = "only-for-sa1" }))["x"];

        var (status, body) = await _server.Api.DecryptTextAsync(HsmServer.TokenA2, value);
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.DoesNotContain("only-for-sa1", body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await _server.Api.DecryptTextAsync(HsmServer.TokenA2, envelope)).Status);
        var batch = await _server.Api.DecryptManyOkAsync(HsmServer.TokenA2, [value, envelope]);
        Assert.All(batch, r => Assert.Equal("Forbidden", r.Error));

        // The refusals did not spoil the pooled sessions: the owner still decrypts.
        Assert.Equal("only-for-sa1", (await _server.Api.DecryptTextAsync(HsmServer.TokenA1, value)).Body);
        Assert.Equal("only-for-sa1", (await _server.Api.DecryptTextAsync(HsmServer.TokenA1, envelope)).Body);
    }

    [SoftHsmFact]
    public async Task An_altered_value_is_refused_and_the_sessions_stay_usable()
    {
        var value = await _server.Api.EncryptOkAsync("intact", "sa1", "ns-a");
        var last = value[^2];
        var altered = value[..^2] + (last == 'A' ? 'B' : 'A') + value[^1];

        Assert.Equal(HttpStatusCode.Forbidden, (await _server.Api.DecryptTextAsync(HsmServer.TokenA1, altered)).Status);
        Assert.Equal("intact", (await _server.Api.DecryptTextAsync(HsmServer.TokenA1, value)).Body);
    }

    [SoftHsmFact]
    public async Task Concurrent_requests_share_the_session_pool()
    {
        var values = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => _server.Api.EncryptOkAsync($"v{i}", "sa1", "ns-a")));
        var plaintexts = await Task.WhenAll(values.Select(v => _server.Api.DecryptTextAsync(HsmServer.TokenA1, v)));

        Assert.Equal(Enumerable.Range(0, 16).Select(i => $"v{i}"), plaintexts.Select(p => p.Body));
    }
}
