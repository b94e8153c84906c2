using System.Net;
using Kamus.Testing.Kms;

namespace Kamus.CloudKms.Tests.AzureKeyVault;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessEnvironmentTests
{
    public const string Name = "Process environment";
}

/// <summary>
/// Without <c>ActiveDirectory:ClientSecret</c> the provider signs in with Azure.Identity's <c>DefaultAzureCredential</c>,
/// which reads the process environment (here <c>AZURE_CLIENT_ID</c>/<c>AZURE_CLIENT_SECRET</c>/<c>AZURE_TENANT_ID</c>,
/// its EnvironmentCredential; workload and managed identity work the same way in a cluster). The variables are the
/// process's own, so this runs alone; <c>AZURE_TOKEN_CREDENTIALS</c> limits the chain to that one credential, and the
/// managed identity endpoint points at a closed loopback port, so no probe ever leaves the machine.
/// </summary>
[Collection(ProcessEnvironmentTests.Name)]
public sealed class DefaultCredentialTests
{
    private static readonly string[] Variables = ["AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "AZURE_TENANT_ID", "AZURE_TOKEN_CREDENTIALS", "IDENTITY_ENDPOINT", "IDENTITY_HEADER"];

    [Fact]
    public async Task Without_a_client_secret_setting_the_default_credential_chain_signs_in()
    {
        var saved = Variables.ToDictionary(v => v, Environment.GetEnvironmentVariable);
        try
        {
            Environment.SetEnvironmentVariable("AZURE_CLIENT_ID", KeyVaultServer.ClientId);
            Environment.SetEnvironmentVariable("AZURE_CLIENT_SECRET", KeyVaultServer.ClientSecret);
            Environment.SetEnvironmentVariable("AZURE_TENANT_ID", AzureKeyVaultStandIn.TenantId);
            Environment.SetEnvironmentVariable("AZURE_TOKEN_CREDENTIALS", "EnvironmentCredential");
            Environment.SetEnvironmentVariable("IDENTITY_ENDPOINT", "http://127.0.0.1:9/");
            Environment.SetEnvironmentVariable("IDENTITY_HEADER", "closed");
            await using var server = await KeyVaultServer.StartAsync((_, e) =>
            {
                e.Remove("ActiveDirectory__ClientId");
                e.Remove("ActiveDirectory__ClientSecret");
            });
            server.Vault.ResetCounts();

            var ciphertext = await server.Api.EncryptOkAsync("via the default chain", "sa1", "ns-a");

            Assert.Equal((HttpStatusCode.OK, "via the default chain"), await server.Api.DecryptTextAsync(KeyVaultServer.TokenA1, ciphertext));
            Assert.Equal(1, server.Vault.Count("token"));
            Assert.DoesNotContain(KeyVaultServer.ClientSecret, server.AllLogText(), StringComparison.Ordinal);
        }
        finally
        {
            foreach (var (name, value) in saved)
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }
    }
}
