using System.Net;
using Kamus.Testing;
using Kamus.Testing.Metrics;

namespace Kamus.CloudKms.Tests.AzureKeyVault;

/// <summary>
/// A Key Vault outage shows in <c>/metrics</c> as unavailable key provider calls (what KamusKeyProviderUnavailable
/// alerts on). Alone in its collection: OpenTelemetry subscribes to the server's meter by name, process-wide, so other
/// test hosts running in parallel would add to the scrape.
/// </summary>
[Collection(Name)]
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class KeyVaultMetricsTests
{
    private const string Name = "Key Vault metrics";

    [Fact]
    public async Task A_key_vault_outage_is_counted_as_unavailable_azure_key_vault_calls()
    {
        await using var server = await KeyVaultServer.StartAsync();
        var made = await server.Api.EncryptManyOkAsync("sa1", "ns-a", new Dictionary<string, string> { ["x"] = "before the outage" });
        server.Vault.Failure = StandInFailure.ServiceUnavailable;
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await server.Api.DecryptTextAsync(KeyVaultServer.TokenA1, made["x"])).Status);
        server.Vault.Failure = StandInFailure.None;

        var scrape = await PrometheusScrape.FromAsync(server.Host.CreateHttpClient());

        const string Operations = "kamus_server_key_provider_operations_total";
        Assert.True(scrape.Sum(Operations, ("provider", "azure_key_vault"), ("operation", "wrap"), ("result", "ok")) >= 1);
        Assert.True(scrape.Sum(Operations, ("provider", "azure_key_vault"), ("operation", "unwrap"), ("result", "unavailable")) >= 1);
        Assert.Equal(0, scrape.Sum(Operations, ("provider", "aes")));
        Assert.Equal(1, scrape.Sum("kamus_server_requests_total", ("endpoint", "/api/v1/decrypt"), ("outcome", "unavailable")));
    }
}
