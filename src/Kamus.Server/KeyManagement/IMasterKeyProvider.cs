using Kamus.Client.Crypto;

namespace Kamus.Server.KeyManagement;

/// <summary>
/// Where the master keys live. It wraps and unwraps bytes for a service account under a named master key, so an HSM
/// (PKCS#11) or a cloud KMS can hold the keys later without touching the formats or the endpoints.
/// A wrapped value is <c>nonce(12) || ciphertext || tag(16)</c> (AES-256-GCM), authenticated with the associated data given.
/// </summary>
public interface IMasterKeyProvider
{
    /// <summary>The id of the key new values are wrapped under.</summary>
    string CurrentKeyId { get; }

    /// <summary>Whether a key with this id is known (older keys of the ring still unwrap).</summary>
    bool HasKey(string keyId);

    /// <summary>Wraps <paramref name="plaintext"/> for <paramref name="identity"/> under key <paramref name="keyId"/>.</summary>
    byte[] Wrap(string keyId, ServiceAccountIdentity identity, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData);

    /// <summary>Unwraps a value made by <see cref="Wrap"/>.</summary>
    /// <exception cref="System.Security.Cryptography.CryptographicException">The value was made for another identity or key, or altered.</exception>
    /// <exception cref="KeyNotFoundException">No key has this id.</exception>
    byte[] Unwrap(string keyId, ServiceAccountIdentity identity, ReadOnlySpan<byte> wrapped, ReadOnlySpan<byte> associatedData);
}
