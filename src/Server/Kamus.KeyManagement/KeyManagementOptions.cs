using Kamus.KeyManagement.AwsKms;
using Kamus.KeyManagement.AzureKeyVault;
using Kamus.KeyManagement.Cloud;
using Kamus.KeyManagement.GoogleKms;
using Kamus.KeyManagement.Offline;
using Kamus.KeyManagement.Pkcs11;
namespace Kamus.KeyManagement;

/// <summary>Master keys (section <c>KeyManagement</c>, upstream's names plus a key ring).</summary>
internal sealed class KeyManagementOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "KeyManagement";

    /// <summary>
    /// Upstream's provider name: <c>AESKey</c> (the default), <c>Pkcs11</c> (master keys in an HSM, see <see cref="Pkcs11"/>),
    /// or a cloud KMS: <c>AwsKms</c>, <c>GoogleKms</c>, <c>AzureKeyVault</c>.
    /// </summary>
    public string? Provider { get; set; }

    /// <summary>Upstream's AES key settings.</summary>
    public AesKeyOptions AES { get; set; } = new();

    /// <summary>The key ring: named keys, one current.</summary>
    public KeyRingOptions KeyRing { get; set; } = new();

    /// <summary>The PKCS#11 provider's settings (<c>KeyManagement:Pkcs11</c>).</summary>
    public Pkcs11Options Pkcs11 { get; set; } = new();

    /// <summary>The AWS KMS provider's settings (<c>KeyManagement:AwsKms</c>, upstream's names).</summary>
    public AwsKmsOptions AwsKms { get; set; } = new();

    /// <summary>The Google Cloud KMS provider's settings (<c>KeyManagement:GoogleKms</c>, upstream's names).</summary>
    public GoogleKmsOptions GoogleKms { get; set; } = new();

    /// <summary>The cache of data keys a cloud KMS unwrapped (<c>KeyManagement:DataKeyCache</c>).</summary>
    public DataKeyCacheOptions DataKeyCache { get; set; } = new();

    /// <summary>The Azure Key Vault provider's settings (<c>KeyManagement:KeyVault</c>, upstream's section).</summary>
    public KeyVaultOptions KeyVault { get; set; } = new();
    /// <summary>Offline encryption's seed and signing key, wrapped by the provider (<c>KeyManagement:Offline</c>).</summary>
    public OfflineKeyOptions Offline { get; set; } = new();
}

/// <summary>Upstream's <c>KeyManagement:AES</c> settings.</summary>
internal sealed class AesKeyOptions
{
    /// <summary>The master key, base64 of 32 bytes.</summary>
    public string? Key { get; set; }

    /// <summary>Upstream's (misspelled) switch: derive a key per service account (true) or use the master key for all (false, upstream's default).</summary>
    public bool UseKeyDeriviation { get; set; }
}

/// <summary>The key ring (<c>KeyManagement:KeyRing</c>): the current key encrypts, every key decrypts.</summary>
internal sealed class KeyRingOptions
{
    /// <summary>The id of the key that encrypts.</summary>
    public string? CurrentKeyId { get; set; }

    /// <summary>Key id → base64 of 32 bytes.</summary>
    public Dictionary<string, string> Keys { get; set; } = new(StringComparer.Ordinal);
}
