using System.Security.Cryptography;
using Kamus.Wire.Crypto;
using Kamus.Wire.Identity;
using Kamus.Wire.Formats;

namespace Kamus.KeyManagement.Aes;

/// <summary>
/// Upstream Kamus's AESKey provider: AES-256-CBC under the master key itself (<c>UseKeyDeriviation=false</c>, one key
/// for every service account) or under <see cref="KeyDerivation.DeriveUpstreamKey"/> per service account.
/// </summary>
internal sealed class UpstreamAesKey : IDisposable
{
    private readonly byte[]? _master;

    /// <summary>Creates the key; <paramref name="masterKey"/> is copied. <see langword="null"/> means "not configured".</summary>
    public UpstreamAesKey(ReadOnlySpan<byte> masterKey, bool useKeyDerivation, bool configured = true)
    {
        if (configured)
        {
            if (masterKey.Length != KeyDerivation.KeySize)
            {
                throw new ArgumentException("The master key is 32 bytes.", nameof(masterKey));
            }

            _master = GC.AllocateArray<byte>(KeyDerivation.KeySize, pinned: true);
            masterKey.CopyTo(_master);
        }

        UseKeyDerivation = useKeyDerivation;
    }

    /// <summary>No upstream key: upstream values are refused as unreadable.</summary>
    public static UpstreamAesKey None { get; } = new([], false, configured: false);

    /// <summary>Whether an upstream key is configured.</summary>
    public bool IsConfigured => _master is not null;

    /// <summary>Whether a key is derived per service account.</summary>
    public bool UseKeyDerivation { get; }

    /// <summary>Encrypts to the upstream <c>base64(iv):base64(ct)</c> layout.</summary>
    public string Encrypt(ServiceAccountIdentity identity, ReadOnlySpan<byte> plaintext)
    {
        var key = KeyFor(identity);
        try
        {
            var (iv, ciphertext) = AesCbc.Encrypt(key, plaintext);
            return UpstreamLayout.FormatAes(iv, ciphertext);
        }
        finally
        {
            Release(key);
        }
    }

    /// <summary>Decrypts an upstream value's parts.</summary>
    /// <exception cref="CryptographicException">Wrong key (another service account) or altered value.</exception>
    public byte[] Decrypt(ServiceAccountIdentity identity, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> ciphertext)
    {
        var key = KeyFor(identity);
        try
        {
            return AesCbc.Decrypt(key, iv, ciphertext);
        }
        finally
        {
            Release(key);
        }
    }

    /// <summary>Zeroes the key.</summary>
    public void Dispose()
    {
        if (_master is not null)
        {
            CryptographicOperations.ZeroMemory(_master);
        }
    }

    /// <summary>Never shows the key.</summary>
    public override string ToString() => IsConfigured ? $"UpstreamAesKey(derivation {(UseKeyDerivation ? "on" : "off")})" : "UpstreamAesKey(none)";

    private byte[] KeyFor(ServiceAccountIdentity identity)
    {
        var master = _master ?? throw new InvalidOperationException("No upstream AES key is configured.");
        return UseKeyDerivation ? KeyDerivation.DeriveUpstreamKey(master, identity) : master;
    }

    private void Release(byte[] key)
    {
        // Derived keys are per call and zeroed; the master key stays.
        if (!ReferenceEquals(key, _master))
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }
}
