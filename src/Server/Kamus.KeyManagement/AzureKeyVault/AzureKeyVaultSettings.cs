using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Kamus.KeyManagement.Cloud;

namespace Kamus.KeyManagement.AzureKeyVault;

/// <summary>
/// The checked <c>KeyManagement:KeyVault</c> and <c>ActiveDirectory</c> settings, and the connection they describe:
/// the REST client on Azure.Core's pipeline, and the credential — <c>ClientSecretCredential</c> when
/// <c>ActiveDirectory:ClientSecret</c> is set (upstream's way), else <c>DefaultAzureCredential</c> (environment,
/// workload identity, managed identity).
/// </summary>
internal sealed class AzureKeyVaultSettings
{
    /// <summary>The name of the <see cref="HttpClient"/> (IHttpClientFactory) the provider calls Key Vault and Entra ID with.</summary>
    public const string HttpClientName = "Kamus.KeyManagement.AzureKeyVault";

    // Without a host factory: one pooled client, recycling connections so DNS changes are seen.
    private static readonly Lazy<HttpClient> SharedHttp = new(() => new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }));

    private readonly KeyVaultOptions _vault;
    private readonly ActiveDirectoryOptions _directory;
    private readonly Uri? _authority;

    private AzureKeyVaultSettings(Uri vault, KeyVaultOptions options, ActiveDirectoryOptions directory, Uri? authority)
    {
        Vault = vault;
        _vault = options;
        _directory = directory;
        _authority = authority;
    }

    /// <summary>The vault's URL.</summary>
    public Uri Vault { get; }

    /// <summary>The type of keys created for new service accounts.</summary>
    public string KeyType => _vault.KeyType;

    /// <summary>The size of keys created for new service accounts, in bits.</summary>
    public int KeyLength => _vault.KeyLength;

    /// <summary>Checks the settings (no call is made yet).</summary>
    /// <exception cref="KamusSettingsException">A setting is missing or wrong; the message names it, never a secret.</exception>
    public static AzureKeyVaultSettings Check(KeyVaultOptions vault, ActiveDirectoryOptions directory)
    {
        ArgumentNullException.ThrowIfNull(vault);
        ArgumentNullException.ThrowIfNull(directory);
        var url = VaultUrl(vault);
        Check(vault.KeyType is "RSA" or "RSA-HSM", $"KeyManagement:KeyVault:KeyType '{vault.KeyType}' is not supported; use RSA-HSM (upstream's default) or RSA.");
        Check(vault.KeyLength is 2048 or 3072 or 4096, "KeyManagement:KeyVault:KeyLength must be 2048, 3072 or 4096 (bits).");
        Check(vault.MaximumDataLength >= 0, "KeyManagement:KeyVault:MaximumDataLength must not be negative.");
        Check(vault.RequestTimeout > TimeSpan.Zero, "KeyManagement:KeyVault:RequestTimeout must be positive.");
        Check(vault.MaxRetries is >= 0 and <= 10, "KeyManagement:KeyVault:MaxRetries must be 0 to 10.");
        Check(string.IsNullOrWhiteSpace(directory.TenantId) || directory.TenantId.Trim().All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.'),
            "ActiveDirectory:TenantId is not a tenant id (a GUID or a domain name).");
        Check(string.IsNullOrEmpty(directory.ClientSecret) || !string.IsNullOrWhiteSpace(directory.ClientId),
            "ActiveDirectory:ClientId is required with ActiveDirectory:ClientSecret (the application the secret belongs to).");
        Uri? authority = null;
        if (!string.IsNullOrWhiteSpace(directory.AuthorityHost))
        {
            Check(Uri.TryCreate(directory.AuthorityHost, UriKind.Absolute, out authority) && authority.Scheme == Uri.UriSchemeHttps,
                $"ActiveDirectory:AuthorityHost '{directory.AuthorityHost}' must be an https URL (for example {AzureAuthorityHosts.AzurePublicCloud}).");
        }

        return new AzureKeyVaultSettings(url, vault, directory, authority);
    }

    /// <summary>The REST client, over the host's named client when <paramref name="httpClients"/> is given.</summary>
    public KeyVaultRestClient Connect(IHttpClientFactory? httpClients, TimeProvider time)
    {
        var transport = new HttpClientTransport(httpClients?.CreateClient(HttpClientName) ?? SharedHttp.Value);
        var options = new KeyVaultClientOptions { Transport = transport };
        Limit(options.Retry);
        return new KeyVaultRestClient(Vault, new KeyVaultBearerPolicy(Credentials(transport), time), options);
    }

    private static Uri VaultUrl(KeyVaultOptions vault)
    {
        if (CloudEndpoint.Parse(vault.Url, "KeyManagement:KeyVault:Url") is { } url)
        {
            Check(url.AbsolutePath == "/" && string.IsNullOrEmpty(url.Query), $"KeyManagement:KeyVault:Url '{vault.Url}' is not a vault URL (https://<name>.vault.azure.net/, no path).");
            return url;
        }

        Check(!string.IsNullOrWhiteSpace(vault.Name),
            "KeyManagement:KeyVault:Name is required with KeyManagement:Provider=AzureKeyVault (or KeyManagement:KeyVault:Url for another cloud or a private endpoint).");
        Check(vault.Name!.Length is >= 3 and <= 24 && char.IsAsciiLetter(vault.Name[0]) && char.IsAsciiLetterOrDigit(vault.Name[^1])
            && vault.Name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') && !vault.Name.Contains("--", StringComparison.Ordinal),
            $"KeyManagement:KeyVault:Name '{vault.Name}' is not a Key Vault name (3 to 24 letters, digits and single hyphens, starting with a letter).");
        return new Uri($"https://{vault.Name}.vault.azure.net/");
    }

    private Func<string, TokenCredential> Credentials(HttpPipelineTransport transport)
    {
        var tenant = string.IsNullOrWhiteSpace(_directory.TenantId) ? null : _directory.TenantId.Trim();

        // Instance discovery asks the public cloud about the authority: skip it for an authority it cannot know.
        var discover = _authority is null || IsKnownCloud(_authority);
        if (string.IsNullOrEmpty(_directory.ClientSecret))
        {
            var options = new DefaultAzureCredentialOptions
            {
                TenantId = tenant,
                ManagedIdentityClientId = _directory.ClientId,
                WorkloadIdentityClientId = _directory.ClientId,
                DisableInstanceDiscovery = !discover,
                Transport = transport,
            };
            Limit(options.Retry);
            if (_authority is not null)
            {
                options.AuthorityHost = _authority;
            }

            var credential = new DefaultAzureCredential(options);
            return _ => credential;
        }

        // Upstream had no tenant setting: the vault's challenge names it.
        var byTenant = new ConcurrentDictionary<string, ClientSecretCredential>(StringComparer.OrdinalIgnoreCase);
        return challengeTenant => byTenant.GetOrAdd(tenant ?? challengeTenant, t =>
        {
            var options = new ClientSecretCredentialOptions { DisableInstanceDiscovery = !discover, Transport = transport };
            Limit(options.Retry);
            if (_authority is not null)
            {
                options.AuthorityHost = _authority;
            }

            return new ClientSecretCredential(t, _directory.ClientId, _directory.ClientSecret, options);
        });
    }

    private void Limit(RetryOptions retry)
    {
        retry.Mode = RetryMode.Exponential;
        retry.MaxRetries = _vault.MaxRetries;
        retry.Delay = TimeSpan.FromMilliseconds(200);
        retry.MaxDelay = TimeSpan.FromSeconds(5);
        retry.NetworkTimeout = _vault.RequestTimeout;
    }

    private static bool IsKnownCloud(Uri authority) =>
        authority == AzureAuthorityHosts.AzurePublicCloud || authority == AzureAuthorityHosts.AzureChina || authority == AzureAuthorityHosts.AzureGovernment;

    private static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new KamusSettingsException(message);
        }
    }

    private sealed class KeyVaultClientOptions : ClientOptions
    {
        public KeyVaultClientOptions()
        {
            Diagnostics.ApplicationId = "kamus";
        }
    }
}
