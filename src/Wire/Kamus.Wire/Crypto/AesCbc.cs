using System.Security.Cryptography;

namespace Kamus.Wire.Crypto;

/// <summary>
/// AES-256-CBC with PKCS7 padding, the cipher of every upstream Kamus format. It is not authenticated:
/// a tampered value may decrypt to garbage or fail on padding, so it is only read and written for compatibility.
/// </summary>
internal static class AesCbc
{
    /// <summary>The IV size in bytes.</summary>
    public const int IvSize = 16;

    /// <summary>Decrypts <paramref name="ciphertext"/>.</summary>
    /// <exception cref="CryptographicException">The key is wrong or the value was altered (bad padding).</exception>
    public static byte[] Decrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> ciphertext)
    {
        using var aes = Aes.Create();
        aes.Key = key.ToArray();
        try
        {
            return aes.DecryptCbc(ciphertext, iv, PaddingMode.PKCS7);
        }
        finally
        {
            // Aes keeps its own copy of the key; clearing it here keeps the key's lifetime short.
            CryptographicOperations.ZeroMemory(aes.Key);
        }
    }

    /// <summary>Encrypts <paramref name="plaintext"/> under a fresh random IV.</summary>
    public static (byte[] Iv, byte[] Ciphertext) Encrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> plaintext)
    {
        var iv = RandomNumberGenerator.GetBytes(IvSize);
        using var aes = Aes.Create();
        aes.Key = key.ToArray();
        try
        {
            return (iv, aes.EncryptCbc(plaintext, iv, PaddingMode.PKCS7));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(aes.Key);
        }
    }
}
