using System.Security.Cryptography;
using Kamus.Wire.Crypto;
using Kamus.Wire.Identity;
using Kamus.Wire.Formats;

namespace Kamus.KeyManagement.Aes;

/// <summary>
/// Upstream Kamus's AESKey provider: AES-256-CBC under the master key itself (<c>UseKeyDeriviation=false</c>, one key
/// for every service account) or under <c>KeyDerivation.DeriveUpstreamKey</c> per service account.
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
        Span<byte> derived = stackalloc byte[KeyDerivation.KeySize];
        try
        {
            var (iv, ciphertext) = AesCbc.Encrypt(KeyFor(identity, derived), plaintext);
            return UpstreamLayout.FormatAes(iv, ciphertext);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(derived);
        }
    }

    /// <summary>Decrypts an upstream value's parts into a new array, which the caller zeroes.</summary>
    /// <exception cref="CryptographicException">Wrong key (another service account) or altered value.</exception>
    public byte[] Decrypt(ServiceAccountIdentity identity, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> ciphertext)
    {
        Span<byte> derived = stackalloc byte[KeyDerivation.KeySize];
        try
        {
            return AesCbc.Decrypt(KeyFor(identity, derived), iv, ciphertext);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(derived);
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

    // The master key itself, or the identity's key derived into the caller's stack buffer (which the caller zeroes).
    private ReadOnlySpan<byte> KeyFor(ServiceAccountIdentity identity, Span<byte> derived)
    {
        var master = _master ?? throw new InvalidOperationException("No upstream AES key is configured.");
        if (!UseKeyDerivation)
        {
            return master;
        }

        KeyDerivation.DeriveUpstreamKey(master, identity, derived);
        return derived;
    }
}
