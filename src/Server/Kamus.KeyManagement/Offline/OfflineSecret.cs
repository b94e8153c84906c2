using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Kamus.Wire.Formats;
using Kamus.Wire.Identity;

namespace Kamus.KeyManagement.Offline;

/// <summary>
/// A 32-byte offline secret (the master seed or the signing key) wrapped by the configured master-key provider, as the
/// text stored in configuration: <c>&lt;purpose&gt;.v1.&lt;keyId&gt;.&lt;b64url(wrapped)&gt;</c>. The provider (AES key
/// ring, PKCS#11, cloud KMS) wraps it like any data key, so the secret is never stored in plaintext.
/// </summary>
internal static class OfflineSecret
{
    /// <summary>The master seed's purpose label.</summary>
    public const string SeedPurpose = "offline-seed";

    /// <summary>The statement-signing key's purpose label.</summary>
    public const string SigningKeyPurpose = "offline-signing-key";

    /// <summary>The length of each secret.</summary>
    public const int Length = 32;

    /// <summary>
    /// The identity the provider wraps the secrets for. It is not a pod's: the associated data names the purpose and no
    /// ciphertext format reads this text, so no service account can have it decrypted through the API.
    /// </summary>
    public static ServiceAccountIdentity WrappingIdentity { get; } = new("kamus-offline", "keys");

    /// <summary>Generates a fresh secret and wraps it under the provider's current key.</summary>
    public static async ValueTask<string> GenerateAsync(IMasterKeyProvider provider, string purpose, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(provider);
        var secret = RandomNumberGenerator.GetBytes(Length);
        try
        {
            var keyId = provider.CurrentKeyId;
            var wrapped = await provider.WrapAsync(keyId, WrappingIdentity, secret, AssociatedData(purpose, keyId), cancellationToken).ConfigureAwait(false);
            return string.Join('.', purpose, "v1", keyId, Base64Url.EncodeToString(wrapped));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>Unwraps the text of setting <paramref name="setting"/> into a pinned array the caller zeroes.</summary>
    /// <exception cref="KamusSettingsException">The text is malformed, names an unknown key, or does not unwrap.</exception>
    public static async ValueTask<byte[]> UnwrapAsync(IMasterKeyProvider provider, string purpose, string text, string setting, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(provider);
        var parts = text.Trim().Split('.');
        if (parts.Length != 4 || parts[0] != purpose || parts[1] != "v1" || !V2Layout.IsValidKeyId(parts[2]) || !CiphertextParser.TryFromCanonicalBase64Url(parts[3], out var wrapped))
        {
            throw new KamusSettingsException($"{setting} is not a wrapped {purpose} ({purpose}.v1.<keyId>.<wrapped>); make one with 'Kamus.Server offline-keys-generate'.");
        }

        var keyId = parts[2];
        if (!provider.HasKey(keyId))
        {
            throw new KamusSettingsException($"{setting} is wrapped under master key '{keyId}', which the configured key provider does not have.");
        }

        byte[] secret;
        try
        {
            secret = await provider.UnwrapAsync(keyId, WrappingIdentity, wrapped, AssociatedData(purpose, keyId), cancellationToken).ConfigureAwait(false);
        }
        catch (CryptographicException e)
        {
            throw new KamusSettingsException($"{setting} does not unwrap under master key '{keyId}': it was made with another key, or altered.", e);
        }

        var pinned = GC.AllocateArray<byte>(Length, pinned: true);
        var ok = secret.Length == Length;
        if (ok)
        {
            secret.CopyTo(pinned, 0);
        }

        CryptographicOperations.ZeroMemory(secret);
        return ok ? pinned : throw new KamusSettingsException($"{setting} unwraps to the wrong length; make a new one with 'Kamus.Server offline-keys-generate'.");
    }

    // The purpose and key id are bound, so the seed cannot be passed off as the signing key or the other way round.
    private static byte[] AssociatedData(string purpose, string keyId) => Encoding.UTF8.GetBytes($"kamus/offline/{purpose}|{keyId}");
}
