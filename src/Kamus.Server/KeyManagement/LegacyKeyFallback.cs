using Kamus.Client.Crypto;

namespace Kamus.Server.KeyManagement;

/// <summary>
/// A primary provider (the HSM) that also unwraps with older in-memory keys, so values made before the move to the HSM
/// still decrypt. It never wraps under a legacy key: new values always name a key of the primary provider.
/// </summary>
public sealed class LegacyKeyFallback : IMasterKeyProvider
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
    public byte[] Wrap(string keyId, ServiceAccountIdentity identity, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData) =>
        _primary.HasKey(keyId)
            ? _primary.Wrap(keyId, identity, plaintext, associatedData)
            : throw new KeyNotFoundException("Legacy keys only unwrap; new values use the provider's keys.");

    /// <inheritdoc />
    public byte[] Unwrap(string keyId, ServiceAccountIdentity identity, ReadOnlySpan<byte> wrapped, ReadOnlySpan<byte> associatedData) =>
        _primary.HasKey(keyId)
            ? _primary.Unwrap(keyId, identity, wrapped, associatedData)
            : _legacy.Unwrap(keyId, identity, wrapped, associatedData);
}
