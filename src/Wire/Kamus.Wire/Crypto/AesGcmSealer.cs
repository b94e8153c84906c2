using System.Security.Cryptography;

namespace Kamus.Wire.Crypto;

/// <summary>
/// AES-256-GCM sealing, the cipher of the Kamus v2 formats: <c>nonce(12) || ciphertext || tag(16)</c>,
/// with associated data that binds the value to its format, key id and identity.
/// </summary>
internal static class AesGcmSealer
{
    /// <summary>The nonce size in bytes.</summary>
    public const int NonceSize = 12;

    /// <summary>The tag size in bytes.</summary>
    public const int TagSize = 16;

    /// <summary>The bytes a sealed value adds to its plaintext.</summary>
    public const int Overhead = NonceSize + TagSize;

    /// <summary>Seals <paramref name="plaintext"/> under a fresh random nonce.</summary>
    public static byte[] Seal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        var output = new byte[plaintext.Length + Overhead];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var gcm = new AesGcm(key, TagSize);
        gcm.Encrypt(nonce, plaintext, output.AsSpan(NonceSize, plaintext.Length), output.AsSpan(NonceSize + plaintext.Length), associatedData);
        return output;
    }

    /// <summary>Opens a sealed value.</summary>
    /// <exception cref="CryptographicException">The value, its associated data or the key is not the one it was sealed with.</exception>
    public static byte[] Open(ReadOnlySpan<byte> key, ReadOnlySpan<byte> sealedValue, ReadOnlySpan<byte> associatedData)
    {
        using var gcm = new AesGcm(key, TagSize);
        return Open(gcm, sealedValue, associatedData);
    }

    /// <summary>Opens a sealed value with an existing <see cref="AesGcm"/> instance (the fast path reuses one per data key).</summary>
    /// <exception cref="CryptographicException">The value or its associated data is not the one it was sealed with.</exception>
    public static byte[] Open(AesGcm gcm, ReadOnlySpan<byte> sealedValue, ReadOnlySpan<byte> associatedData)
    {
        ArgumentNullException.ThrowIfNull(gcm);
        if (sealedValue.Length < Overhead)
        {
            throw new CryptographicException("The sealed value is too short.");
        }

        var plaintext = new byte[sealedValue.Length - Overhead];
        Open(gcm, sealedValue, associatedData, plaintext);
        return plaintext;
    }

    /// <summary>Opens a sealed value into <paramref name="plaintext"/>, which must hold at least the value's length less <see cref="Overhead"/>.</summary>
    /// <returns>The number of plaintext bytes written.</returns>
    /// <exception cref="CryptographicException">The value or its associated data is not the one it was sealed with.</exception>
    public static int Open(AesGcm gcm, ReadOnlySpan<byte> sealedValue, ReadOnlySpan<byte> associatedData, Span<byte> plaintext)
    {
        ArgumentNullException.ThrowIfNull(gcm);
        if (sealedValue.Length < Overhead)
        {
            throw new CryptographicException("The sealed value is too short.");
        }

        var length = sealedValue.Length - Overhead;
        gcm.Decrypt(sealedValue[..NonceSize], sealedValue.Slice(NonceSize, length), sealedValue[(NonceSize + length)..], plaintext[..length], associatedData);
        return length;
    }
}
