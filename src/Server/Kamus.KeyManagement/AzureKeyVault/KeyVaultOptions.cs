namespace Kamus.KeyManagement.AzureKeyVault;

/// <summary>The Azure Key Vault provider's settings (<c>KeyManagement:KeyVault</c>, upstream's names plus <see cref="Url"/> and the call limits).</summary>
internal sealed class KeyVaultOptions
{
    /// <summary>The vault's name (upstream): the URL is <c>https://&lt;Name&gt;.vault.azure.net</c>.</summary>
    public string? Name { get; set; }

    /// <summary>The vault's URL, instead of <see cref="Name"/>: sovereign clouds, private endpoints, tests. Plain http only to a loopback address.</summary>
    public string? Url { get; set; }

    /// <summary>The type of keys created for new service accounts (upstream): <c>RSA-HSM</c> (upstream's default) or <c>RSA</c>.</summary>
    public string KeyType { get; set; } = "RSA-HSM";

    /// <summary>The size of keys created for new service accounts, in bits (upstream): 2048 (default), 3072 or 4096.</summary>
    public int KeyLength { get; set; } = 2048;

    /// <summary>
    /// Upstream's threshold (in characters) above which it wrote envelopes instead of RSA values. Read for
    /// compatibility and checked; both kinds of upstream value decrypt whatever it is, and new values are v2.
    /// </summary>
    public int MaximumDataLength { get; set; } = 214;

    /// <summary>The longest wait for one Key Vault or Entra ID answer before it is retried.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often a failed call (network error, 408, 429, 5xx) is retried, with exponential back-off.</summary>
    public int MaxRetries { get; set; } = 3;
}

/// <summary>Upstream's <c>ActiveDirectory</c> settings: the application Kamus signs in to Key Vault as.</summary>
internal sealed class ActiveDirectoryOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "ActiveDirectory";

    /// <summary>The application (client) id; without <see cref="ClientSecret"/>, the managed or workload identity's client id.</summary>
    public string? ClientId { get; set; }

    /// <summary>The client secret (upstream). Without it, <c>DefaultAzureCredential</c> is used (workload identity, managed identity, environment).</summary>
    public string? ClientSecret { get; set; }

    /// <summary>The tenant; by default the one the vault's challenge names.</summary>
    public string? TenantId { get; set; }

    /// <summary>The Entra ID authority host, by default <c>AZURE_AUTHORITY_HOST</c> or the public cloud (<c>https://login.microsoftonline.com/</c>).</summary>
    public string? AuthorityHost { get; set; }

    /// <summary>Never shows the secret.</summary>
    public override string ToString() => $"ActiveDirectory(client {ClientId ?? "(none)"}, tenant {TenantId ?? "(from challenge)"}, secret {(string.IsNullOrEmpty(ClientSecret) ? "no" : "yes")})";
}
