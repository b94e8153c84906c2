using System.Net;
using Kamus.CloudKms.Tests.Support;
using Kamus.KeyManagement;
using Kamus.Testing;
using Kamus.Testing.Kms;

namespace Kamus.CloudKms.Tests.AzureKeyVault;

/// <summary>Outages answer 503 and never 500; wrong settings stop the server at start naming the setting, never a secret.</summary>
public sealed class AzureKeyVaultFailureTests
{
    [Theory]
    [InlineData(StandInFailure.ServiceUnavailable)]
    [InlineData(StandInFailure.ServerError)]
    [InlineData(StandInFailure.Forbidden)]
    [InlineData(StandInFailure.Abort)]
    public async Task A_key_vault_outage_answers_503_on_every_endpoint_and_the_service_recovers(StandInFailure failure)
    {
        await using var server = await KeyVaultServer.StartAsync();
        var api = server.Api;
        var made = await api.EncryptManyOkAsync("sa1", "ns-a", new Dictionary<string, string> { ["x"] = "before the outage" });

        server.Vault.Failure = failure;

        using (var encrypt = await api.EncryptAsync("new account", "app", "ns-fresh"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, encrypt.StatusCode);
            Assert.Equal("master key backend unavailable", await encrypt.Content.ReadAsStringAsync());
        }

        Assert.Equal((HttpStatusCode.ServiceUnavailable, "master key backend unavailable"), await api.DecryptTextAsync(KeyVaultServer.TokenA1, made["x"]));
        using (var batch = await api.DecryptManyAsync(KeyVaultServer.TokenA1, [made["x"]]))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, batch.StatusCode);
        }

        server.Vault.Failure = StandInFailure.None;
        Assert.Equal((HttpStatusCode.OK, "before the outage"), await api.DecryptTextAsync(KeyVaultServer.TokenA1, made["x"]));
        Assert.Contains(server.Host.Logs.GetSnapshot(), r => r.Message.Contains("master key backend is unavailable", StringComparison.Ordinal) && r.Message.Contains("Key Vault", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_the_data_key_cache_on_a_value_read_again_by_its_account_costs_no_vault_call()
    {
        await using var server = await KeyVaultServer.StartAsync((_, e) => e["KeyManagement__DataKeyCache__MaxEntries"] = "100");
        var made = await server.Api.EncryptManyOkAsync("sa1", "ns-a", new Dictionary<string, string> { ["x"] = "cached" });
        server.Vault.ResetCounts();
        server.Vault.Failure = StandInFailure.ServiceUnavailable;

        Assert.Equal((HttpStatusCode.OK, "cached"), await server.Api.DecryptTextAsync(KeyVaultServer.TokenA1, made["x"]));
        Assert.Equal(0, server.Vault.Count("unwrapkey"));

        // The cache answers only the identity the key was unwrapped for: another account still needs the vault.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await server.Api.DecryptTextAsync(KeyVaultServer.TokenA2, made["x"])).Status);
    }

    [Fact]
    public async Task A_vault_that_never_answers_times_out_into_503()
    {
        await using var server = await KeyVaultServer.StartAsync((_, e) =>
        {
            e["KeyManagement__KeyVault__RequestTimeout"] = "00:00:01";
            e["KeyManagement__KeyVault__MaxRetries"] = "0";
        });
        server.Vault.Hang = true;

        using var encrypt = await server.Api.EncryptAsync("value", "sa1", "ns-a");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, encrypt.StatusCode);
    }

    [Fact]
    public async Task An_unreachable_vault_answers_503()
    {
        await using var server = await KeyVaultServer.StartAsync();
        await server.Vault.StopAsync();

        using var encrypt = await server.Api.EncryptAsync("value", "sa1", "ns-a");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, encrypt.StatusCode);
    }

    [Fact]
    public async Task A_wrong_client_secret_answers_503_naming_entra_ids_reason_never_the_secret()
    {
        const string WrongSecret = "kv~Wrong.Secret-0000";
        await using var server = await KeyVaultServer.StartAsync((_, e) => e["ActiveDirectory__ClientSecret"] = WrongSecret);

        using var encrypt = await server.Api.EncryptAsync("value", "sa1", "ns-a");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, encrypt.StatusCode);
        var logs = server.AllLogText();
        Assert.Contains("AADSTS7000215", logs, StringComparison.Ordinal);
        Assert.DoesNotContain(WrongSecret, logs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_challenge_for_a_resource_outside_the_vaults_domain_gets_no_token()
    {
        await using var server = await KeyVaultServer.StartAsync((vault, _) => vault.ChallengeResource = "https://management.azure.com");

        using var encrypt = await server.Api.EncryptAsync("value", "sa1", "ns-a");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, encrypt.StatusCode);
        Assert.Equal(0, server.Vault.Count("token"));
        Assert.Contains("not its own domain", server.AllLogText(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("KeyManagement__KeyVault__Url", null, "KeyManagement:KeyVault:Name")]
    [InlineData("KeyManagement__KeyVault__Url", "http://vault.example.com/", "plain http")]
    [InlineData("KeyManagement__KeyVault__Url", "https://vault.example.com/keys", "KeyManagement:KeyVault:Url")]
    [InlineData("KeyManagement__KeyVault__KeyType", "EC", "KeyManagement:KeyVault:KeyType")]
    [InlineData("KeyManagement__KeyVault__KeyLength", "1024", "KeyManagement:KeyVault:KeyLength")]
    [InlineData("KeyManagement__KeyVault__MaximumDataLength", "-1", "KeyManagement:KeyVault:MaximumDataLength")]
    [InlineData("ActiveDirectory__ClientId", null, "ActiveDirectory:ClientId")]
    [InlineData("ActiveDirectory__AuthorityHost", "http://login.example.com/", "ActiveDirectory:AuthorityHost")]
    [InlineData("KeyManagement__KeyRing__CurrentKeyId", "k0", "KeyManagement:KeyRing:CurrentKeyId")]
    public async Task A_missing_or_wrong_setting_stops_the_server_at_start_naming_it_never_the_secret(string variable, string? value, string named)
    {
        await using var vault = await AzureKeyVaultStandIn.StartAsync();

        var error = await EnvironmentSettings.StartupRefusalAsync(KeyVaultServer.Environment(vault), variable, value);

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(KeyVaultServer.ClientSecret, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_vault_name_alone_makes_the_azure_url_and_a_bad_name_is_refused()
    {
        var environment = new Dictionary<string, string>
        {
            ["KeyManagement__Provider"] = "AzureKeyVault",
            ["KeyManagement__KeyVault__Name"] = "bad_name!",
            ["ActiveDirectory__ClientId"] = KeyVaultServer.ClientId,
            ["ActiveDirectory__ClientSecret"] = KeyVaultServer.ClientSecret,
        };

        var error = await Assert.ThrowsAsync<KamusSettingsException>(() => KamusServerHost.StartAsync(o => EnvironmentSettings.Apply(o, environment)));

        Assert.Contains("KeyManagement:KeyVault:Name 'bad_name!'", error.Message, StringComparison.Ordinal);

        // No call is made at start: the server starts with the real vault's URL and never reaches it.
        environment["KeyManagement__KeyVault__Name"] = "kamus-prod";
        await using var host = await KamusServerHost.StartAsync(o => EnvironmentSettings.Apply(o, environment));
        Assert.Contains(host.Logs.GetSnapshot(), r => r.Message.Contains("Azure Key Vault https://kamus-prod.vault.azure.net/", StringComparison.Ordinal));
    }
}
