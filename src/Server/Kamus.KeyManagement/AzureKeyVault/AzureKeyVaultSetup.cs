using System.Collections.Concurrent;
using System.Net;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Microsoft.Extensions.Logging;

namespace Kamus.KeyManagement.AzureKeyVault;

/// <summary>
/// Checks the <c>KeyManagement:KeyVault</c> and <c>ActiveDirectory</c> settings and builds the provider: the REST
/// client on Azure.Core's pipeline over the given <see cref="HttpClient"/>, and the credential —
/// <c>ClientSecretCredential</c> when <c>ActiveDirectory:ClientSecret</c> is set (upstream's way), else
/// <c>DefaultAzureCredential</c> (environment, workload identity, managed identity).
/// </summary>
internal static class AzureKeyVaultSetup
{
    /// <summary>The name of the <see cref="HttpClient"/> (IHttpClientFactory) the provider calls Key Vault and Entra ID with.</summary>
    public const string HttpClientName = "Kamus.KeyManagement.AzureKeyVault";

    /// <exception cref="KamusSettingsException">A setting is missing or wrong; the message names it, never a secret.</exception>
    public static AzureKeyVaultMasterKeyProvider Create(KeyVaultOptions vault, ActiveDirectoryOptions directory, HttpClient http, TimeProvider time, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(vault);
        ArgumentNullException.ThrowIfNull(directory);
        var url = VaultUrl(vault);
        Check(vault.KeyType is "RSA" or "RSA-HSM", $"KeyManagement:KeyVault:KeyType '{vault.KeyType}' is not supported; use RSA-HSM (upstream's default) or RSA.");
        Check(vault.KeyLength is 2048 or 3072 or 4096, "KeyManagement:KeyVault:KeyLength must be 2048, 3072 or 4096 (bits).");
        Check(vault.MaximumDataLength >= 0, "KeyManagement:KeyVault:MaximumDataLength must not be negative.");
        Check(vault.RequestTimeout > TimeSpan.Zero, "KeyManagement:KeyVault:RequestTimeout must be positive.");
        Check(vault.MaxRetries is >= 0 and <= 10, "KeyManagement:KeyVault:MaxRetries must be 0 to 10.");

        var transport = new HttpClientTransport(http);
        var credentials = Credentials(directory, transport, vault);
        var options = new KeyVaultClientOptions { Transport = transport };
        Limit(options.Retry, vault);
        var client = new KeyVaultRestClient(url, new KeyVaultBearerPolicy(credentials, time), options);
        var keys = new KeyVaultAccountKeys(client, vault.KeyType, vault.KeyLength, time, loggers.CreateLogger("Kamus.KeyManagement.AzureKeyVault"));
        return new AzureKeyVaultMasterKeyProvider(client, keys);
    }

    private static Uri VaultUrl(KeyVaultOptions vault)
    {
        if (!string.IsNullOrWhiteSpace(vault.Url))
        {
            Check(Uri.TryCreate(vault.Url, UriKind.Absolute, out var url) && url.Scheme is "https" or "http" && url.AbsolutePath == "/" && string.IsNullOrEmpty(url.Query),
                $"KeyManagement:KeyVault:Url '{vault.Url}' is not a vault URL (https://<name>.vault.azure.net/, no path).");
            Check(url!.Scheme == Uri.UriSchemeHttps || IsLoopback(url),
                $"KeyManagement:KeyVault:Url '{vault.Url}' uses plain http, which is accepted only for a loopback address; use https.");
            return url;
        }

        Check(!string.IsNullOrWhiteSpace(vault.Name),
            "KeyManagement:KeyVault:Name is required with KeyManagement:Provider=AzureKeyVault (or KeyManagement:KeyVault:Url for another cloud or a private endpoint).");
        Check(vault.Name!.Length is >= 3 and <= 24 && char.IsAsciiLetter(vault.Name[0]) && char.IsAsciiLetterOrDigit(vault.Name[^1])
            && vault.Name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') && !vault.Name.Contains("--", StringComparison.Ordinal),
            $"KeyManagement:KeyVault:Name '{vault.Name}' is not a Key Vault name (3 to 24 letters, digits and single hyphens, starting with a letter).");
        return new Uri($"https://{vault.Name}.vault.azure.net/");
    }

    private static Func<string, TokenCredential> Credentials(ActiveDirectoryOptions directory, HttpPipelineTransport transport, KeyVaultOptions vault)
    {
        var tenant = string.IsNullOrWhiteSpace(directory.TenantId) ? null : directory.TenantId.Trim();
        Check(tenant is null || tenant.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.'),
            "ActiveDirectory:TenantId is not a tenant id (a GUID or a domain name).");
        Uri? authority = null;
        if (!string.IsNullOrWhiteSpace(directory.AuthorityHost))
        {
            Check(Uri.TryCreate(directory.AuthorityHost, UriKind.Absolute, out authority) && authority.Scheme == Uri.UriSchemeHttps,
                $"ActiveDirectory:AuthorityHost '{directory.AuthorityHost}' must be an https URL (for example {AzureAuthorityHosts.AzurePublicCloud}).");
        }

        // Instance discovery asks the public cloud about the authority: skip it for an authority it cannot know.
        var discover = authority is null || IsKnownCloud(authority);
        if (string.IsNullOrEmpty(directory.ClientSecret))
        {
            var options = new DefaultAzureCredentialOptions
            {
                TenantId = tenant,
                ManagedIdentityClientId = directory.ClientId,
                WorkloadIdentityClientId = directory.ClientId,
                DisableInstanceDiscovery = !discover,
                Transport = transport,
            };
            Limit(options.Retry, vault);
            if (authority is not null)
            {
                options.AuthorityHost = authority;
            }

            var credential = new DefaultAzureCredential(options);
            return _ => credential;
        }

        Check(!string.IsNullOrWhiteSpace(directory.ClientId), "ActiveDirectory:ClientId is required with ActiveDirectory:ClientSecret (the application the secret belongs to).");
        var byTenant = new ConcurrentDictionary<string, ClientSecretCredential>(StringComparer.OrdinalIgnoreCase);
        return challengeTenant => byTenant.GetOrAdd(tenant ?? challengeTenant, t =>
        {
            var options = new ClientSecretCredentialOptions { DisableInstanceDiscovery = !discover, Transport = transport };
            Limit(options.Retry, vault);
            if (authority is not null)
            {
                options.AuthorityHost = authority;
            }

            return new ClientSecretCredential(t, directory.ClientId, directory.ClientSecret, options);
        });
    }

    private static void Limit(RetryOptions retry, KeyVaultOptions vault)
    {
        retry.Mode = RetryMode.Exponential;
        retry.MaxRetries = vault.MaxRetries;
        retry.Delay = TimeSpan.FromMilliseconds(200);
        retry.MaxDelay = TimeSpan.FromSeconds(5);
        retry.NetworkTimeout = vault.RequestTimeout;
    }

    private static bool IsKnownCloud(Uri authority) =>
        authority == AzureAuthorityHosts.AzurePublicCloud || authority == AzureAuthorityHosts.AzureChina || authority == AzureAuthorityHosts.AzureGovernment;

    private static bool IsLoopback(Uri url) => url.IsLoopback || (IPAddress.TryParse(url.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

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
