using Kamus.KeyManagement.Aes;
using System.Security.Cryptography;
using Kamus.Wire.Crypto;
using Kamus.Wire.Formats;
using Kamus.KeyManagement.AzureKeyVault;
using Kamus.KeyManagement.Pkcs11;
using Microsoft.Extensions.Configuration;

namespace Kamus.KeyManagement;

/// <summary>
/// The master keys read from configuration: the provider of the v2 formats (the in-memory key ring, or a PKCS#11
/// token), and the upstream AES key.
/// </summary>
internal sealed class KeyMaterial : IDisposable
{
    /// <summary>The key id under which upstream's <c>KeyManagement:AES:Key</c> also serves the v2 formats.</summary>
    public const string UpstreamKeyId = "k0";

    /// <summary>The <c>KeyManagement:Provider</c> value of the PKCS#11 provider.</summary>
    public const string Pkcs11ProviderName = "Pkcs11";

    /// <summary>The <c>KeyManagement:Provider</c> value of the Azure Key Vault provider (upstream's name).</summary>
    public const string AzureKeyVaultProviderName = "AzureKeyVault";

    private readonly Pkcs11MasterKeyProvider? _hsm;

    private KeyMaterial(IMasterKeyProvider provider, AesKeyRing? ring, Pkcs11MasterKeyProvider? hsm, UpstreamAesKey upstream, bool usesDevelopmentKey, AzureKeyVaultMasterKeyProvider? keyVault = null)
    {
        Provider = provider;
        Ring = ring;
        _hsm = hsm;
        Upstream = upstream;
        UsesDevelopmentKey = usesDevelopmentKey;
        KeyVault = keyVault;
    }

    /// <summary>The provider the v2 formats use.</summary>
    public IMasterKeyProvider Provider { get; }

    /// <summary>
    /// The in-memory key ring. Under the PKCS#11 provider it holds only legacy keys (unwrap only), and is
    /// <see langword="null"/> when there are none.
    /// </summary>
    public AesKeyRing? Ring { get; }

    /// <summary>The PKCS#11 provider, or <see langword="null"/> with the in-memory provider.</summary>
    public Pkcs11MasterKeyProvider? Hsm => _hsm;

    /// <summary>The Azure Key Vault provider, or <see langword="null"/> with another provider.</summary>
    public AzureKeyVaultMasterKeyProvider? KeyVault { get; }

    /// <summary>The provider that reads upstream's cloud KMS values, when the provider is a cloud KMS.</summary>
    public IUpstreamKms? UpstreamKms => KeyVault;

    /// <summary>Every key id that unwraps.</summary>
    public IReadOnlyCollection<string> KeyIds => [.. _hsm?.KeyIds ?? [], .. KeyVault is null ? [] : new[] { AzureKeyVaultMasterKeyProvider.KeyId }, .. Ring?.KeyIds ?? []];

    /// <summary>The upstream AES key (may be <see cref="UpstreamAesKey.None"/>).</summary>
    public UpstreamAesKey Upstream { get; }

    /// <summary>Whether the well-known insecure development key is in use.</summary>
    public bool UsesDevelopmentKey { get; }

    /// <summary>Reads the keys, or explains which setting is wrong (never showing a value).</summary>
    /// <param name="options">The <c>KeyManagement</c> settings.</param>
    /// <param name="developmentMode">Whether the insecure development key may be used.</param>
    /// <param name="services">What a cloud KMS provider takes from the host; required by those providers only.</param>
    /// <exception cref="KamusSettingsException">No usable key, or a malformed one.</exception>
    public static KeyMaterial Load(KeyManagementOptions options, bool developmentMode, KeyMaterialServices? services = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.Equals(options.Provider, Pkcs11ProviderName, StringComparison.OrdinalIgnoreCase))
        {
            return LoadPkcs11(options);
        }

        if (string.Equals(options.Provider, AzureKeyVaultProviderName, StringComparison.OrdinalIgnoreCase))
        {
            return LoadAzureKeyVault(options, services ?? throw new ArgumentNullException(nameof(services), "A cloud KMS provider needs the host's services."));
        }

        if (!string.IsNullOrEmpty(options.Provider) && !string.Equals(options.Provider, "AESKey", StringComparison.OrdinalIgnoreCase))
        {
            throw new KamusSettingsException(
                $"KeyManagement:Provider '{options.Provider}' is not supported by this server; use 'AESKey' (keys in configuration), 'Pkcs11' (keys in an HSM) or 'AzureKeyVault'.");
        }

        var keys = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        try
        {
            var upstreamKey = ReadConfiguredKeys(options, keys);
            var upstreamKeyId = upstreamKey is null ? null : UpstreamKeyId;
            var usesDevelopmentKey = false;
            if (keys.Count == 0)
            {
                if (!developmentMode)
                {
                    throw new KamusSettingsException(
                        "No master key is configured, and Kamus never generates one silently. Set KeyManagement:AES:Key (base64 of 32 bytes, upstream's setting) " +
                        "or KeyManagement:KeyRing:Keys:<keyId> with KeyManagement:KeyRing:CurrentKeyId, or KeyManagement:Provider=Pkcs11 (keys in an HSM), " +
                        "or set Kamus:Development:Enabled=true to use the INSECURE development key.");
                }

                upstreamKey = DevelopmentKey.InsecureBytes.ToArray();
                keys[DevelopmentKey.KeyId] = upstreamKey;
                upstreamKeyId = DevelopmentKey.KeyId;
                usesDevelopmentKey = true;
            }

            var current = CurrentKeyId(options, keys, upstreamKeyId);
            var upstream = upstreamKey is null ? UpstreamAesKey.None : new UpstreamAesKey(upstreamKey, options.AES.UseKeyDeriviation);
            var ring = new AesKeyRing(current, keys);
            return new KeyMaterial(ring, ring, null, upstream, usesDevelopmentKey);
        }
        finally
        {
            Zero(keys);
        }
    }

    /// <summary>Zeroes every in-memory key and releases the HSM.</summary>
    public void Dispose()
    {
        Ring?.Dispose();
        _hsm?.Dispose();
        Upstream.Dispose();
    }

    // Under PKCS#11 the token holds the keys that wrap; keys in configuration only read older values (legacy).
    private static KeyMaterial LoadPkcs11(KeyManagementOptions options)
    {
        RefuseRingCurrentKey(options, Pkcs11ProviderName, "KeyManagement:Pkcs11:CurrentKeyLabel");
        var (legacy, upstream) = ReadLegacyKeys(options);
        Pkcs11MasterKeyProvider? hsm = null;
        try
        {
            hsm = Pkcs11MasterKeyProvider.Open(options.Pkcs11);
            if (legacy is not null && legacy.KeyIds.FirstOrDefault(hsm.HasKey) is { } clash)
            {
                throw new KamusSettingsException(
                    $"Key id '{clash}' names both a key in token '{hsm.TokenLabel}' and a key in configuration; relabel one of them.");
            }

            return new KeyMaterial(Beside(hsm, legacy), legacy, hsm, upstream, usesDevelopmentKey: false);
        }
        catch
        {
            hsm?.Dispose();
            legacy?.Dispose();
            upstream.Dispose();
            throw;
        }
    }

    // Under Azure Key Vault each service account's RSA key wraps; keys in configuration only read older values (legacy).
    private static KeyMaterial LoadAzureKeyVault(KeyManagementOptions options, KeyMaterialServices services)
    {
        RefuseRingCurrentKey(options, AzureKeyVaultProviderName, "the service account's key in Key Vault");
        var (legacy, upstream) = ReadLegacyKeys(options);
        try
        {
            var directory = services.Configuration.GetSection(ActiveDirectoryOptions.SectionName).Get<ActiveDirectoryOptions>() ?? new ActiveDirectoryOptions();
            var http = services.HttpClients.CreateClient(AzureKeyVaultSetup.HttpClientName);
            var vault = AzureKeyVaultSetup.Create(options.KeyVault, directory, http, services.Time, services.Loggers);
            if (legacy is not null && legacy.HasKey(AzureKeyVaultMasterKeyProvider.KeyId))
            {
                throw new KamusSettingsException(
                    $"Key id '{AzureKeyVaultMasterKeyProvider.KeyId}' is the Azure Key Vault provider's own; give the key in configuration another id.");
            }

            return new KeyMaterial(Beside(vault, legacy), legacy, null, upstream, usesDevelopmentKey: false, vault);
        }
        catch
        {
            legacy?.Dispose();
            upstream.Dispose();
            throw;
        }
    }

    private static void RefuseRingCurrentKey(KeyManagementOptions options, string provider, string currentKey)
    {
        if (!string.IsNullOrWhiteSpace(options.KeyRing.CurrentKeyId))
        {
            throw new KamusSettingsException(
                $"KeyManagement:KeyRing:CurrentKeyId cannot be used with KeyManagement:Provider={provider}: the current key is {currentKey}, and keys in configuration only unwrap older values.");
        }
    }

    // KeyManagement:AES:Key and KeyManagement:KeyRing:Keys as unwrap-only keys beside a provider outside the process.
    private static (AesKeyRing? Legacy, UpstreamAesKey Upstream) ReadLegacyKeys(KeyManagementOptions options)
    {
        var keys = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        UpstreamAesKey? upstream = null;
        try
        {
            var upstreamKey = ReadConfiguredKeys(options, keys);
            upstream = upstreamKey is null ? UpstreamAesKey.None : new UpstreamAesKey(upstreamKey, options.AES.UseKeyDeriviation);
            return (keys.Count == 0 ? null : new AesKeyRing(keys.Keys.Order(StringComparer.Ordinal).First(), keys), upstream);
        }
        catch
        {
            upstream?.Dispose();
            throw;
        }
        finally
        {
            Zero(keys);
        }
    }

    private static IMasterKeyProvider Beside(IMasterKeyProvider primary, AesKeyRing? legacy) =>
        legacy is null ? primary : new LegacyKeyFallback(primary, legacy);

    // KeyManagement:AES:Key (as key id k0) and KeyManagement:KeyRing:Keys into keys; returns the upstream key, if any.
    private static byte[]? ReadConfiguredKeys(KeyManagementOptions options, Dictionary<string, byte[]> keys)
    {
        byte[]? upstreamKey = null;
        if (!string.IsNullOrWhiteSpace(options.AES.Key))
        {
            upstreamKey = Decode(options.AES.Key, "KeyManagement:AES:Key");
            keys[UpstreamKeyId] = upstreamKey;
        }

        foreach (var (id, text) in options.KeyRing.Keys)
        {
            if (!V2Layout.IsValidKeyId(id))
            {
                throw new KamusSettingsException($"KeyManagement:KeyRing:Keys:{id}: a key id is 1 to 32 characters of [A-Za-z0-9_-].");
            }

            var key = Decode(text, $"KeyManagement:KeyRing:Keys:{id}");
            if (keys.TryGetValue(id, out var existing) && !CryptographicOperations.FixedTimeEquals(existing, key))
            {
                CryptographicOperations.ZeroMemory(key);
                throw new KamusSettingsException($"KeyManagement:KeyRing:Keys:{UpstreamKeyId} differs from KeyManagement:AES:Key, which uses that key id.");
            }

            keys[id] = key;
        }

        return upstreamKey;
    }

    private static void Zero(Dictionary<string, byte[]> keys)
    {
        foreach (var key in keys.Values)
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    private static string CurrentKeyId(KeyManagementOptions options, Dictionary<string, byte[]> keys, string? upstreamKeyId)
    {
        var configured = options.KeyRing.CurrentKeyId;
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return keys.ContainsKey(configured)
                ? configured
                : throw new KamusSettingsException($"KeyManagement:KeyRing:CurrentKeyId names '{configured}', which is not a configured key id.");
        }

        if (options.KeyRing.Keys.Count == 1)
        {
            return options.KeyRing.Keys.Keys.First();
        }

        if (options.KeyRing.Keys.Count > 1)
        {
            throw new KamusSettingsException("KeyManagement:KeyRing:CurrentKeyId is required when the key ring holds more than one key.");
        }

        return upstreamKeyId!;
    }

    private static byte[] Decode(string text, string setting)
    {
        var buffer = new byte[64];
        if (!Convert.TryFromBase64String(text.Trim(), buffer, out var written) || written != KeyDerivation.KeySize)
        {
            CryptographicOperations.ZeroMemory(buffer);
            throw new KamusSettingsException($"{setting} must be base64 of exactly 32 bytes.");
        }

        var key = buffer[..written];
        CryptographicOperations.ZeroMemory(buffer);
        return key;
    }
}
