using System.Security.Cryptography;
using Kamus.Wire.Crypto;
using Kamus.Wire.Identity;

namespace Kamus.KeyManagement.Aes;

/// <summary>
/// The in-process <see cref="IMasterKeyProvider"/>: 32-byte master keys held in pinned arrays, zeroed on dispose.
/// Wrapping uses AES-256-GCM under <c>KeyDerivation.DeriveV2Key</c> of the master key, key id and identity.
/// </summary>
internal sealed class AesKeyRing : SynchronousMasterKeyProvider, IDisposable
{
    private readonly Dictionary<string, byte[]> _keys;

    /// <summary>Creates a ring; the keys are copied and <paramref name="keys"/> may be cleared by the caller.</summary>
    public AesKeyRing(string currentKeyId, IReadOnlyDictionary<string, byte[]> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        _keys = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (id, key) in keys)
        {
            if (key.Length != KeyDerivation.KeySize)
            {
                throw new ArgumentException("Every master key is 32 bytes.", nameof(keys));
            }

            var pinned = GC.AllocateArray<byte>(KeyDerivation.KeySize, pinned: true);
            key.CopyTo(pinned, 0);
            _keys.Add(id, pinned);
        }

        if (!_keys.ContainsKey(currentKeyId))
        {
            throw new ArgumentException("The current key id is not in the ring.", nameof(currentKeyId));
        }

        CurrentKeyId = currentKeyId;
    }

    /// <inheritdoc />
    public override string CurrentKeyId { get; }

    /// <summary>The key ids, for the startup log.</summary>
    public IReadOnlyCollection<string> KeyIds => _keys.Keys;

    /// <inheritdoc />
    public override bool HasKey(string keyId) => _keys.ContainsKey(keyId);



    /// <inheritdoc />
    public override byte[] Wrap(string keyId, ServiceAccountIdentity identity, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        Span<byte> kek = stackalloc byte[KeyDerivation.KeySize];
        Derive(keyId, identity, kek);
        try
        {
            return AesGcmSealer.Seal(kek, plaintext, associatedData);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(kek);
        }
    }

    /// <inheritdoc />
    public override byte[] Unwrap(string keyId, ServiceAccountIdentity identity, ReadOnlySpan<byte> wrapped, ReadOnlySpan<byte> associatedData)
    {
        Span<byte> kek = stackalloc byte[KeyDerivation.KeySize];
        Derive(keyId, identity, kek);
        try
        {
            return AesGcmSealer.Open(kek, wrapped, associatedData);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(kek);
        }
    }

    /// <summary>Zeroes every key.</summary>
    public void Dispose()
    {
        foreach (var key in _keys.Values)
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>Names the key ids only.</summary>
    public override string ToString() => $"AesKeyRing(current {CurrentKeyId}, {_keys.Count} keys)";

    // Into the caller's stack buffer, which it zeroes: no heap copy of a derived key.
    private void Derive(string keyId, ServiceAccountIdentity identity, Span<byte> kek)
    {
        if (!_keys.TryGetValue(keyId, out var master))
        {
            throw new KeyNotFoundException("No master key has this id.");
        }

        KeyDerivation.DeriveV2Key(master, keyId, identity, kek);
    }
}
