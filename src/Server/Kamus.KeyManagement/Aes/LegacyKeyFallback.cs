using Kamus.Wire.Identity;

namespace Kamus.KeyManagement.Aes;

/// <summary>
/// A primary provider (the HSM) that also unwraps with older in-memory keys, so values made before the move to the HSM
/// still decrypt. It never wraps under a legacy key: new values always name a key of the primary provider.
/// </summary>
internal sealed class LegacyKeyFallback : IMasterKeyProvider
{
    private readonly IMasterKeyProvider _primary;
    private readonly IMasterKeyProvider _legacy;

    /// <summary>Creates the pair; the key ids of the two must not overlap (checked by the caller at start).</summary>
    public LegacyKeyFallback(IMasterKeyProvider primary, IMasterKeyProvider legacy)
    {
        _primary = primary;
        _legacy = legacy;
    }

    /// <inheritdoc />
    public string CurrentKeyId => _primary.CurrentKeyId;

    /// <inheritdoc />
    public bool HasKey(string keyId) => _primary.HasKey(keyId) || _legacy.HasKey(keyId);

    /// <inheritdoc />
    public ValueTask<byte[]> WrapAsync(string keyId, ServiceAccountIdentity identity, ReadOnlyMemory<byte> plaintext, ReadOnlyMemory<byte> associatedData, CancellationToken cancellationToken = default) =>
        _primary.HasKey(keyId)
            ? _primary.WrapAsync(keyId, identity, plaintext, associatedData, cancellationToken)
            : throw new KeyNotFoundException("Legacy keys only unwrap; new values use the provider's keys.");

    /// <inheritdoc />
    public ValueTask<byte[]> UnwrapAsync(string keyId, ServiceAccountIdentity identity, ReadOnlyMemory<byte> wrapped, ReadOnlyMemory<byte> associatedData, CancellationToken cancellationToken = default) =>
        _primary.HasKey(keyId)
            ? _primary.UnwrapAsync(keyId, identity, wrapped, associatedData, cancellationToken)
            : _legacy.UnwrapAsync(keyId, identity, wrapped, associatedData, cancellationToken);

    /// <inheritdoc />
    public ValueTask<bool> CheckHealthAsync(CancellationToken cancellationToken = default) => _primary.CheckHealthAsync(cancellationToken);
}
