namespace Kamus.Configuration.Internal;

/// <summary>
/// Recognises an encrypted configuration value. The marker is matched without regard to case and after leading white
/// space, so <c>KAMUS:...</c> or <c>" kamus:..."</c> is decrypted (or fails loudly), never handed to the app as text.
/// </summary>
internal static class EncryptedValue
{
    /// <summary>Whether <paramref name="value"/> carries <paramref name="marker"/>; <paramref name="ciphertext"/> is what follows it, trimmed.</summary>
    public static bool TryGetCiphertext(string? value, string marker, out string ciphertext)
    {
        ciphertext = string.Empty;
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        var text = value.AsSpan().TrimStart();
        if (!text.StartsWith(marker, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        ciphertext = text[marker.Length..].Trim().ToString();
        return true;
    }
}
