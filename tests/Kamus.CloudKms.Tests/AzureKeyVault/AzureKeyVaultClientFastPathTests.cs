using Kamus.Client;
using Kamus.Client.Tokens;
using Kamus.Testing.Kms;

namespace Kamus.CloudKms.Tests.AzureKeyVault;

/// <summary>Kamus.Client's envelope fast path against a server whose keys are in Azure Key Vault: one vault call per data key.</summary>
public sealed class AzureKeyVaultClientFastPathTests
{
    [Fact]
    public async Task A_batch_and_upstream_envelopes_cost_one_vault_call_per_data_key()
    {
        await using var server = await KeyVaultServer.StartAsync();
        using var upstream = new UpstreamKeyVaultWriter(server.Vault, KeyVaultServer.ClientId, KeyVaultServer.ClientSecret, maximumDataLength: 1);
        var upstreamValues = new[] { await upstream.EncryptAsync("upstream one", "ns-a", "sa1"), await upstream.EncryptAsync("upstream two", "ns-a", "sa1") };
        using var client = new KamusClient(new KamusClientOptions { Url = server.Host.Url, TokenSource = new StaticTokenSource(KeyVaultServer.TokenA1) });
        var items = Enumerable.Range(0, 200).ToDictionary(i => $"Secret:{i}", i => $"value-{i}");
        var encrypted = await client.EncryptManyAsync("sa1", "ns-a", items);
        server.Vault.ResetCounts();
        server.Host.ResetCounts();

        var outcomes = await client.DecryptManyAsync([.. items.Keys.Select(k => encrypted[k]), .. upstreamValues]);

        Assert.Equal([.. items.Values, "upstream one", "upstream two"], outcomes.Select(o => o.Plaintext));
        Assert.Equal(1, server.Vault.Count("unwrapkey")); // the batch's data key
        Assert.Equal(2, server.Vault.Count("decrypt")); // each upstream envelope's data key
        Assert.Equal(1, server.Host.RequestCount("/api/v2/decrypt")); // the three wrapped keys; every payload decrypted locally
    }
}
