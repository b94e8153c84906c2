using Kamus.Client;
using Kamus.Client.Tokens;
using Kamus.CloudKms.Tests.Support;
using Kamus.Testing.Kms;

namespace Kamus.CloudKms.Tests.AwsKms;

/// <summary>Kamus.Client's envelope fast path against a server whose keys are in AWS KMS: one KMS call per data key.</summary>
public sealed class AwsKmsClientFastPathTests : IAsyncLifetime
{
    private AwsKmsStandIn _kms = null!;

    public async Task InitializeAsync() => _kms = await AwsKmsStandIn.StartAsync();

    public async Task DisposeAsync() => await _kms.DisposeAsync();

    [Fact]
    public async Task A_batch_and_upstream_envelopes_cost_one_kms_decrypt_per_data_key()
    {
        var environment = AwsKmsServerTests.Environment(_kms);
        environment["KeyManagement__DataKeyCache__MaxEntries"] = "0"; // count every unwrap
        await using var server = await KmsServer.StartAsync(environment);
        using var upstream = new UpstreamAws(_kms);
        var upstreamValues = new[] { await upstream.EncryptAsync("u1", KmsServer.Namespace, KmsServer.App1), await upstream.EncryptAsync("u2", KmsServer.Namespace, KmsServer.App1) };
        using var client = new KamusClient(new KamusClientOptions { Url = server.Host.Url, TokenSource = new StaticTokenSource(KmsServer.TokenApp1) });
        var items = Enumerable.Range(0, 200).ToDictionary(i => $"Secret:{i}", i => $"value-{i}");
        var encrypted = await client.EncryptManyAsync(KmsServer.App1, KmsServer.Namespace, items);
        _kms.ResetCalls();
        server.Host.ResetCounts();

        var outcomes = await client.DecryptManyAsync([.. items.Keys.Select(k => encrypted[k]), .. upstreamValues]);

        Assert.Equal([.. items.Values, "u1", "u2"], outcomes.Select(o => o.Plaintext));
        Assert.Equal(3, _kms.Calls("Decrypt")); // the batch's data key, and each upstream envelope's
        Assert.Equal(1, server.Host.RequestCount("/api/v2/decrypt")); // the three wrapped keys; every payload decrypted locally
        Assert.Equal(0, server.Host.RequestCount("/api/v1/decrypt"));
    }
}
