using Kamus.CloudKms.Tests.Support;
using Kamus.KeyManagement.AzureKeyVault;
using Kamus.Testing;
using Kamus.Testing.Kms;
using Microsoft.Extensions.DependencyInjection;

namespace Kamus.CloudKms.Tests.AzureKeyVault;

/// <summary>
/// The real server with <c>KeyManagement:Provider=AzureKeyVault</c> against an <see cref="AzureKeyVaultStandIn"/>,
/// configured by environment variables only, with tokens for <c>ns-a:sa1</c>,
/// <c>ns-a:sa2</c> and <c>ns-b:sa1</c>. The one thing beyond settings is trusting the stand-in's self-signed
/// certificate for its Entra ID endpoint, through the provider's named HttpClient, as a real deployment trusts Entra
/// ID through the system store.
/// </summary>
public sealed class KeyVaultServer : IAsyncDisposable
{
    public const string ClientId = "kamus-server-app";

    // Looks like a secret on purpose: the leak tests search every log line and answer for it.
    public const string ClientSecret = "kv~Secret.DoNotLog-4f1e9c";

    public const string TokenA1 = "kv-token-ns-a-sa1";
    public const string TokenA2 = "kv-token-ns-a-sa2";
    public const string TokenB1 = "kv-token-ns-b-sa1";

    private KeyVaultServer(AzureKeyVaultStandIn vault, KamusServerHost host)
    {
        Vault = vault;
        Host = host;
        Api = new RawKamusApi(host.CreateHttpClient());
    }

    public AzureKeyVaultStandIn Vault { get; }

    public KamusServerHost Host { get; }

    public RawKamusApi Api { get; }

    /// <summary>The environment variables that point the server at <paramref name="vault"/>.</summary>
    public static Dictionary<string, string> Environment(AzureKeyVaultStandIn vault) => new()
    {
        ["KeyManagement__Provider"] = "AzureKeyVault",
        ["KeyManagement__KeyVault__Url"] = vault.VaultUrl.ToString(),
        ["KeyManagement__KeyVault__KeyType"] = "RSA",
        ["KeyManagement__KeyVault__KeyLength"] = "2048",
        ["KeyManagement__KeyVault__MaximumDataLength"] = "214",
        ["KeyManagement__KeyVault__MaxRetries"] = "1",

        // Generous: a shared CI machine can take seconds to generate an RSA key, and a retried create adds a version.
        ["KeyManagement__KeyVault__RequestTimeout"] = "00:01:00",

        // Off, so that every unwrap reaches the vault and can be counted (or fail); one test turns it on.
        ["KeyManagement__DataKeyCache__MaxEntries"] = "0",
        ["ActiveDirectory__ClientId"] = ClientId,
        ["ActiveDirectory__ClientSecret"] = ClientSecret,
        ["ActiveDirectory__AuthorityHost"] = vault.AuthorityHost.ToString(),
    };

    /// <summary>Starts a stand-in and the server; <paramref name="configure"/> may change the environment.</summary>
    public static async Task<KeyVaultServer> StartAsync(Action<AzureKeyVaultStandIn, Dictionary<string, string>>? configure = null)
    {
        var vault = await AzureKeyVaultStandIn.StartAsync();
        vault.AddClient(ClientId, ClientSecret);
        try
        {
            var environment = Environment(vault);
            configure?.Invoke(vault, environment);
            var host = await KamusServerHost.StartAsync(options =>
            {
                EnvironmentSettings.Apply(options, environment);
                options.ConfigureBuilder = builder => Trust(builder.Services, vault);
            });
            host.StandIn.AddToken(TokenA1, "ns-a", "sa1");
            host.StandIn.AddToken(TokenA2, "ns-a", "sa2");
            host.StandIn.AddToken(TokenB1, "ns-b", "sa1");
            return new KeyVaultServer(vault, host);
        }
        catch
        {
            await vault.DisposeAsync();
            throw;
        }
    }

    /// <summary>Makes the provider's HttpClient trust the stand-in's certificate.</summary>
    public static void Trust(IServiceCollection services, AzureKeyVaultStandIn vault) =>
        services.AddHttpClient(AzureKeyVaultSettings.HttpClientName).ConfigurePrimaryHttpMessageHandler(vault.CreateTrustingHandler);

    /// <summary>Every log line the server wrote, and its exception messages.</summary>
    public string AllLogText() => string.Join("\n", Host.Logs.GetSnapshot().Select(r => r.Message + " " + r.Exception));

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await Vault.DisposeAsync();
    }
}

/// <summary>One <see cref="KeyVaultServer"/> shared by the tests of a class.</summary>
public sealed class KeyVaultServerFixture : IAsyncLifetime
{
    private KeyVaultServer? _server;

    public KeyVaultServer Server => _server!;

    public async Task InitializeAsync() => _server = await KeyVaultServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
