using Kamus.Wire.Identity;

namespace Kamus.KeyManagement;

/// <summary>
/// A cloud provider that also reads what upstream Kamus made with the same KMS: its short values (base64 of a KMS
/// ciphertext) and the wrapped keys of its <c>env$</c> envelopes, both bound to the service account by the KMS key
/// that upstream named after it.
/// </summary>
internal interface IUpstreamKms
{
    /// <summary>Decrypts an upstream KMS ciphertext as <paramref name="identity"/>. The caller zeroes the result.</summary>
    /// <exception cref="System.Security.Cryptography.CryptographicException">The ciphertext is not this identity's (or was altered).</exception>
    /// <exception cref="MasterKeyUnavailableException">The KMS cannot be reached.</exception>
    ValueTask<byte[]> DecryptUpstreamAsync(ServiceAccountIdentity identity, ReadOnlyMemory<byte> ciphertext, CancellationToken cancellationToken = default);
}
