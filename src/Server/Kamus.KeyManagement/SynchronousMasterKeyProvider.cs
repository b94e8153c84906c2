using Kamus.Wire.Identity;

namespace Kamus.KeyManagement;

/// <summary>
/// A master key provider whose wrap and unwrap complete on the calling thread: keys in process (the AES key ring). It
/// implements the asynchronous members of <see cref="IMasterKeyProvider"/>
/// once, over <see cref="Wrap"/> and <see cref="Unwrap"/>, which callers that hold spans may also use directly.
/// </summary>
internal abstract class SynchronousMasterKeyProvider : IMasterKeyProvider
{
    /// <inheritdoc />
    public abstract string CurrentKeyId { get; }

    /// <inheritdoc />
    public abstract bool HasKey(string keyId);

    /// <summary>Wraps <paramref name="plaintext"/> under <paramref name="keyId"/> for <paramref name="identity"/>.</summary>
    public abstract byte[] Wrap(string keyId, ServiceAccountIdentity identity, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData);

    /// <summary>Unwraps what <see cref="Wrap"/> made for the same key, identity and associated data.</summary>
    public abstract byte[] Unwrap(string keyId, ServiceAccountIdentity identity, ReadOnlySpan<byte> wrapped, ReadOnlySpan<byte> associatedData);

    /// <inheritdoc />
    public ValueTask<byte[]> WrapAsync(string keyId, ServiceAccountIdentity identity, ReadOnlyMemory<byte> plaintext, ReadOnlyMemory<byte> associatedData, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Wrap(keyId, identity, plaintext.Span, associatedData.Span));

    /// <inheritdoc />
    public ValueTask<byte[]> UnwrapAsync(string keyId, ServiceAccountIdentity identity, ReadOnlyMemory<byte> wrapped, ReadOnlyMemory<byte> associatedData, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Unwrap(keyId, identity, wrapped.Span, associatedData.Span));
}
