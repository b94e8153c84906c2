using Kamus.Wire.Identity;

namespace Kamus.KeyManagement;

/// <summary>
/// Where the master keys live. It wraps and unwraps bytes for a service account under a named master key, so the
/// in-memory key ring, an HSM (PKCS#11) or a cloud KMS hold the keys without touching the formats or the endpoints.
/// Asynchronous because a cloud KMS answers over the network; in-process providers complete synchronously.
/// </summary>
/// <remarks>
/// A new provider goes in its own folder of this library, implements this interface, and is chosen by
/// <c>KeyManagement:Provider</c> in <see cref="KeyMaterial.Load"/> (see docs/architecture.md).
/// </remarks>
internal interface IMasterKeyProvider
{
    /// <summary>The id of the key new values are wrapped under.</summary>
    string CurrentKeyId { get; }

    /// <summary>Whether a key with this id is known (older keys of the ring still unwrap).</summary>
    bool HasKey(string keyId);

    /// <summary>Wraps <paramref name="plaintext"/> for <paramref name="identity"/> under key <paramref name="keyId"/>.</summary>
    /// <exception cref="MasterKeyUnavailableException">The key backend cannot be reached.</exception>
    ValueTask<byte[]> WrapAsync(string keyId, ServiceAccountIdentity identity, ReadOnlyMemory<byte> plaintext, ReadOnlyMemory<byte> associatedData, CancellationToken cancellationToken = default);

    /// <summary>Unwraps a value made by <see cref="WrapAsync"/>.</summary>
    /// <exception cref="System.Security.Cryptography.CryptographicException">The value was made for another identity or key, or altered.</exception>
    /// <exception cref="KeyNotFoundException">No key has this id.</exception>
    /// <exception cref="MasterKeyUnavailableException">The key backend cannot be reached.</exception>
    ValueTask<byte[]> UnwrapAsync(string keyId, ServiceAccountIdentity identity, ReadOnlyMemory<byte> wrapped, ReadOnlyMemory<byte> associatedData, CancellationToken cancellationToken = default);

    /// <summary>
    /// Whether the backend can serve now (for <c>/healthz</c> and <c>/api/v1/isAlive</c>): a remote or hardware backend
    /// tries a cheap round trip. In-process keys always can, which is the default.
    /// </summary>
    ValueTask<bool> CheckHealthAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(true);
}
