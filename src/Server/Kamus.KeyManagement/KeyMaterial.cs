using Kamus.KeyManagement.Aes;
using System.Security.Cryptography;
using Kamus.Wire.Crypto;
using Kamus.Wire.Formats;
using Kamus.KeyManagement.AwsKms;
using Kamus.KeyManagement.AzureKeyVault;
using Kamus.KeyManagement.Cloud;
using Kamus.KeyManagement.GoogleKms;
using Kamus.KeyManagement.Pkcs11;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Kamus.KeyManagement;

/// <summary>
/// The master keys read from configuration: the provider of the v2 formats (the in-memory key ring, a PKCS#11 token,
/// or a cloud KMS), and the upstream AES key.
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
    private AzureKeyVaultKms? _keyVault;

    private KeyMaterial(IMasterKeyProvider provider, AesKeyRing? ring, IMasterKeyProvider? external, UpstreamAesKey upstream, bool usesDevelopmentKey)
    {
        Provider = provider;
        Ring = ring;
        _hsm = external as Pkcs11MasterKeyProvider;
        Cloud = external as CloudMasterKeyProvider;
        Upstream = upstream;
        UsesDevelopmentKey = usesDevelopmentKey;
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

    /// <summary>The cloud KMS provider, or <see langword="null"/> with any other provider.</summary>
    public CloudMasterKeyProvider? Cloud { get; }

    /// <summary>Every key id that unwraps.</summary>
    public IReadOnlyCollection<string> KeyIds => [.. _hsm?.KeyIds ?? [], .. Cloud is null ? [] : new[] { Cloud.CurrentKeyId }, .. Ring?.KeyIds ?? []];

    /// <summary>The upstream AES key (may be <see cref="UpstreamAesKey.None"/>).</summary>
    public UpstreamAesKey Upstream { get; }

    /// <summary>Whether the well-known insecure development key is in use.</summary>
    public bool UsesDevelopmentKey { get; }

    /// <summary>Reads the keys, or explains which setting is wrong (never showing a value).</summary>
    /// <param name="options">The <c>KeyManagement</c> settings.</param>
    /// <param name="developmentMode">Whether the insecure development key may be used.</param>
    /// <param name="configuration">All settings, for a provider that reads sections beside <c>KeyManagement</c> (Azure Key Vault's <c>ActiveDirectory</c>).</param>
    /// <exception cref="KamusSettingsException">No usable key, or a malformed one.</exception>
    public static KeyMaterial Load(KeyManagementOptions options, bool developmentMode, IConfiguration? configuration = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.Equals(options.Provider, Pkcs11ProviderName, StringComparison.OrdinalIgnoreCase))
        {
            return LoadPkcs11(options);
        }

        if (string.Equals(options.Provider, AzureKeyVaultProviderName, StringComparison.OrdinalIgnoreCase))
        {
            return LoadAzureKeyVault(options, configuration);
        }

        if (LoadAwsOrGoogle(options) is { } cloud)
        {
            return cloud;
        }

        if (!string.IsNullOrEmpty(options.Provider) && !string.Equals(options.Provider, "AESKey", StringComparison.OrdinalIgnoreCase))
        {
            throw new KamusSettingsException(
                $"KeyManagement:Provider '{options.Provider}' is not supported by this server; use 'AESKey' (keys in configuration), 'Pkcs11' (keys in an HSM), or 'AwsKms', 'GoogleKms' or 'AzureKeyVault' (keys in a cloud KMS).");
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

    /// <summary>Gives the providers that log (a cloud KMS logs the keys it creates) the host's loggers.</summary>
    public void AttachLogging(ILoggerFactory loggers) => Cloud?.AttachLogging(loggers);

    /// <summary>Gives the providers that call over HTTP themselves (Azure Key Vault) the host's HTTP clients.</summary>
    public void AttachHttpClients(IHttpClientFactory httpClients) => _keyVault?.AttachHttpClients(httpClients);

    /// <summary>Zeroes every in-memory key and releases the HSM or the KMS client.</summary>
    public void Dispose()
    {
        Ring?.Dispose();
        _hsm?.Dispose();
        Cloud?.Dispose();
        Upstream.Dispose();
    }

    // Upstream's Azure provider: KeyManagement:KeyVault, and the application in the top-level ActiveDirectory section.
    private static KeyMaterial LoadAzureKeyVault(KeyManagementOptions options, IConfiguration? configuration)
    {
        var directory = configuration?.GetSection(ActiveDirectoryOptions.SectionName).Get<ActiveDirectoryOptions>() ?? new ActiveDirectoryOptions();
        AzureKeyVaultKms? kms = null;
        var material = LoadCloud(options, AzureKeyVaultProviderName, () => kms = new AzureKeyVaultKms(AzureKeyVaultSettings.Check(options.KeyVault, directory)));
        material._keyVault = kms;
        return material;
    }

    private static KeyMaterial LoadPkcs11(KeyManagementOptions options) =>
        LoadBesideLegacyKeys(options, Pkcs11ProviderName, "KeyManagement:Pkcs11:CurrentKeyLabel", () => Pkcs11MasterKeyProvider.Open(options.Pkcs11), hsm => $"a key in token '{hsm.TokenLabel}'");

    // AWS KMS (AWSSDK.KeyManagementService) or Google Cloud KMS (its REST API with Google.Apis.Auth), by upstream's names.
    private static KeyMaterial? LoadAwsOrGoogle(KeyManagementOptions options) =>
        string.Equals(options.Provider, AwsCloudKms.ProviderName, StringComparison.OrdinalIgnoreCase) ? LoadCloud(options, AwsCloudKms.ProviderName, () => AwsCloudKms.Create(options.AwsKms))
        : string.Equals(options.Provider, GoogleCloudKms.ProviderName, StringComparison.OrdinalIgnoreCase) ? LoadCloud(options, GoogleCloudKms.ProviderName, () => GoogleCloudKms.Create(options.GoogleKms, TimeProvider.System))
        : null;

    // A cloud KMS (selected by KeyManagement:Provider) wraps; its create method checks its settings, naming any wrong one.
    private static KeyMaterial LoadCloud(KeyManagementOptions options, string providerName, Func<ICloudKms> create) =>
        LoadBesideLegacyKeys(
            options,
            providerName,
            "the KMS's own key per service account",
            () =>
            {
                var cache = options.DataKeyCache.CreateCache(TimeProvider.System);
                try
                {
                    return new CloudMasterKeyProvider(create(), cache);
                }
                catch
                {
                    cache?.Dispose();
                    throw;
                }
            },
            cloud => $"the {providerName} provider's values");

    // Under an HSM or a cloud KMS, that backend holds the keys that wrap; keys in configuration only read older values
    // (legacy), and upstream's AES key still reads upstream values: how a deployment moves off configured keys.
    private static KeyMaterial LoadBesideLegacyKeys<T>(KeyManagementOptions options, string providerName, string currentKeySource, Func<T> open, Func<T, string> describe)
        where T : class, IMasterKeyProvider, IDisposable
    {
        if (!string.IsNullOrWhiteSpace(options.KeyRing.CurrentKeyId))
        {
            throw new KamusSettingsException(
                $"KeyManagement:KeyRing:CurrentKeyId cannot be used with KeyManagement:Provider={providerName}: the current key is {currentKeySource}, and keys in configuration only unwrap older values.");
        }

        var keys = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        AesKeyRing? legacy = null;
        UpstreamAesKey? upstream = null;
        T? external = null;
        try
        {
            var upstreamKey = ReadConfiguredKeys(options, keys);
            upstream = upstreamKey is null ? UpstreamAesKey.None : new UpstreamAesKey(upstreamKey, options.AES.UseKeyDeriviation);
            legacy = keys.Count == 0 ? null : new AesKeyRing(keys.Keys.Order(StringComparer.Ordinal).First(), keys);
            external = open();
            if (legacy is not null && legacy.KeyIds.FirstOrDefault(external.HasKey) is { } clash)
            {
                throw new KamusSettingsException(
                    $"Key id '{clash}' names both {describe(external)} and a key in configuration; relabel one of them.");
            }

            IMasterKeyProvider provider = legacy is null ? external : new LegacyKeyFallback(external, legacy);
            return new KeyMaterial(provider, legacy, external, upstream, usesDevelopmentKey: false);
        }
        catch
        {
            external?.Dispose();
            legacy?.Dispose();
            upstream?.Dispose();
            throw;
        }
        finally
        {
            Zero(keys);
        }
    }

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
