using Kamus.Wire.Identity;
using Microsoft.Extensions.Logging;

namespace Kamus.KeyManagement.Cloud;

/// <summary>
/// One cloud KMS, seen by <see cref="CloudMasterKeyProvider"/>: a key per service account (named by
/// <see cref="KeyIdCreator"/>, created on first use as upstream Kamus does), which wraps data keys.
/// </summary>
/// <remarks>
/// Implementations throw <see cref="System.Security.Cryptography.CryptographicException"/> when the KMS refuses a
/// ciphertext as not belonging to the identity's key (another account's value, or altered), and
/// <see cref="MasterKeyUnavailableException"/> (see <see cref="KmsFailure"/>) when the KMS cannot answer: network,
/// timeouts after retries, throttling, server errors, credentials or permissions. Messages never hold a key or value.
/// </remarks>
internal interface ICloudKms : IDisposable
{
    /// <summary>The v2 key id this KMS writes values under (for example <c>aws</c>); 1 to 32 of <c>[A-Za-z0-9_-]</c>.</summary>
    string KeyId { get; }

    /// <summary>Where the keys live, for the startup log (for example <c>AWS KMS eu-west-1, alias/kamus/*</c>); no secret.</summary>
    string Description { get; }

    /// <summary>
    /// Gives the KMS its loggers (key creation is logged). Called once at startup when the host's logging exists, which
    /// is before any KMS call: keys are loaded, and settings checked, before the host is built.
    /// </summary>
    void AttachLogging(ILoggerFactory loggers);

    /// <summary>
    /// A fresh 32-byte data key and its ciphertext under <paramref name="identity"/>'s key, bound to the identity;
    /// creates the identity's key first when it does not exist.
    /// </summary>
    ValueTask<(byte[] DataKey, byte[] Wrapped)> GenerateDataKeyAsync(ServiceAccountIdentity identity, CancellationToken cancellationToken);

    /// <summary>Unwraps a data key made by <see cref="GenerateDataKeyAsync"/> for <paramref name="identity"/>.</summary>
    ValueTask<byte[]> DecryptDataKeyAsync(ServiceAccountIdentity identity, ReadOnlyMemory<byte> wrapped, CancellationToken cancellationToken);

    /// <summary>
    /// Decrypts a ciphertext upstream Kamus made with this KMS for <paramref name="identity"/> (no Kamus binding, the
    /// identity's key only): a value's UTF-8 bytes, or an upstream envelope's data key.
    /// </summary>
    ValueTask<byte[]> DecryptUpstreamAsync(ServiceAccountIdentity identity, ReadOnlyMemory<byte> ciphertext, CancellationToken cancellationToken);
}
