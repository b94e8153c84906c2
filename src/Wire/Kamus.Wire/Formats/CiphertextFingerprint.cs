using System.Security.Cryptography;
using System.Text;

namespace Kamus.Wire.Formats;

/// <summary>
/// Names a ciphertext in logs and errors without showing it: the first 8 hex digits of the SHA-256 of its text.
/// </summary>
internal static class CiphertextFingerprint
{
    /// <summary>The fingerprint of <paramref name="ciphertext"/>.</summary>
    public static string Of(string? ciphertext)
    {
        if (string.IsNullOrEmpty(ciphertext))
        {
            return "(empty)";
        }

        Span<byte> hash = stackalloc byte[32];
        var byteCount = Encoding.UTF8.GetByteCount(ciphertext);
        var bytes = byteCount <= 1024 ? stackalloc byte[byteCount] : new byte[byteCount];
        Encoding.UTF8.GetBytes(ciphertext, bytes);
        SHA256.HashData(bytes, hash);
        return Convert.ToHexStringLower(hash[..4]);
    }
}
