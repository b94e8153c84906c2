using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;

namespace Kamus.Wire.Crypto;

/// <summary>
/// A SHA-256 fingerprint as users read and pin it: 64 hex digits, written in lowercase, read with optional
/// <c>':'</c>, <c>'-'</c> or <c>' '</c> separators (certificate pins, key-statement signer pins).
/// </summary>
internal static class Sha256Fingerprint
{
    /// <summary>Reads a fingerprint into 32 bytes.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out byte[]? hash)
    {
        hash = null;
        if (text is null)
        {
            return false;
        }

        var hex = new string(text.Where(c => c is not (':' or '-' or ' ')).ToArray());
        if (hex.Length != 2 * SHA256.HashSizeInBytes || !hex.All(char.IsAsciiHexDigit))
        {
            return false;
        }

        hash = Convert.FromHexString(hex);
        return true;
    }

    /// <summary>The fingerprint of <paramref name="data"/>, in lowercase hex.</summary>
    public static string Of(ReadOnlySpan<byte> data)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(data, hash);
        return Convert.ToHexString(hash).ToLower(CultureInfo.InvariantCulture);
    }
}
