using System.Security.Cryptography;

namespace Kamus.Wire.Crypto;

/// <summary>
/// AES-256-CBC with PKCS7 padding, the cipher of every upstream Kamus format. It is not authenticated:
/// a tampered value may decrypt to garbage or fail on padding, so it is only read and written for compatibility.
/// </summary>
/// <remarks>
/// The key is handed to <see cref="SymmetricAlgorithm.SetKey(ReadOnlySpan{byte})"/>: no array of ours holds a copy. The
/// <see cref="Aes"/> instance keeps its own, which disposing it clears.
/// </remarks>
internal static class AesCbc
{
    /// <summary>The IV size in bytes.</summary>
    public const int IvSize = 16;

    /// <summary>Decrypts <paramref name="ciphertext"/> into a new array, which the caller zeroes.</summary>
    /// <exception cref="CryptographicException">The key is wrong or the value was altered (bad padding).</exception>
    public static byte[] Decrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> ciphertext)
    {
        using var aes = Create(key);
        return aes.DecryptCbc(ciphertext, iv, PaddingMode.PKCS7);
    }

    /// <summary>Encrypts <paramref name="plaintext"/> under a fresh random IV.</summary>
    public static (byte[] Iv, byte[] Ciphertext) Encrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> plaintext)
    {
        var iv = RandomNumberGenerator.GetBytes(IvSize);
        using var aes = Create(key);
        return (iv, aes.EncryptCbc(plaintext, iv, PaddingMode.PKCS7));
    }

    /// <summary>An <see cref="Aes"/> holding <paramref name="key"/>; dispose it to clear its copy.</summary>
    public static Aes Create(ReadOnlySpan<byte> key)
    {
        var aes = Aes.Create();
        aes.SetKey(key);
        return aes;
    }
}
