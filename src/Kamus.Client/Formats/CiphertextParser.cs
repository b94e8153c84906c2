using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using Kamus.Client.Crypto;

namespace Kamus.Client.Formats;

/// <summary>
/// Parses every Kamus ciphertext layout. It never throws on bad input: the outcome is a parsed value or a short reason
/// that contains nothing of the input.
/// </summary>
public static class CiphertextParser
{
    /// <summary>The longest ciphertext accepted, in characters (the server's body limit is of the same order).</summary>
    public const int MaxLength = 1024 * 1024;

    /// <summary>Parses <paramref name="text"/>, or returns a reason why it is not a Kamus ciphertext.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out ParsedCiphertext? parsed, [NotNullWhen(false)] out string? reason)
    {
        parsed = null;
        if (string.IsNullOrEmpty(text))
        {
            reason = "the ciphertext is empty";
            return false;
        }

        if (text.Length > MaxLength)
        {
            reason = "the ciphertext is too long";
            return false;
        }

        if (text.StartsWith(V2Layout.EnvelopePrefix, StringComparison.Ordinal))
        {
            return TryParseV2(text, CiphertextFormat.V2Envelope, V2Layout.EnvelopePrefix.Length, out parsed, out reason);
        }

        if (text.StartsWith(V2Layout.WrappedKeyPrefix, StringComparison.Ordinal))
        {
            return TryParseV2(text, CiphertextFormat.V2WrappedKey, V2Layout.WrappedKeyPrefix.Length, out parsed, out reason);
        }

        if (text.StartsWith(V2Layout.ValuePrefix, StringComparison.Ordinal))
        {
            return TryParseV2(text, CiphertextFormat.V2Value, V2Layout.ValuePrefix.Length, out parsed, out reason);
        }

        if (text.StartsWith(UpstreamLayout.EnvelopePrefix, StringComparison.Ordinal))
        {
            return TryParseUpstreamEnvelope(text, out parsed, out reason);
        }

        if (!TryParseUpstreamAes(text, out var iv, out var body, out var aesReason))
        {
            reason = aesReason;
            return false;
        }

        parsed = new ParsedCiphertext(CiphertextFormat.UpstreamAes, null, iv, body, null, []);
        reason = null;
        return true;
    }

    /// <summary>Parses <paramref name="text"/> or throws.</summary>
    /// <exception cref="FormatException">The text is not a Kamus ciphertext (the message holds the reason, never the text).</exception>
    public static ParsedCiphertext Parse(string? text) =>
        TryParse(text, out var parsed, out var reason) ? parsed : throw new FormatException($"Not a Kamus ciphertext: {reason}.");

    private static bool TryParseUpstreamEnvelope(string text, out ParsedCiphertext? parsed, out string? reason)
    {
        parsed = null;
        var rest = text.AsSpan(UpstreamLayout.EnvelopePrefix.Length);
        var dollar = rest.IndexOf('$');
        if (dollar <= 0 || rest[(dollar + 1)..].Contains('$'))
        {
            reason = "an upstream envelope must have the form env$<wrapped key>$<iv>:<ciphertext>";
            return false;
        }

        // The wrapped key is opaque here: an AES value under the AESKey provider, a KMS blob under AWS or Azure.
        var wrappedKey = rest[..dollar].ToString();
        if (!TryParseUpstreamAes(rest[(dollar + 1)..], out var iv, out var body, out reason))
        {
            reason = "the envelope payload is malformed: " + reason;
            return false;
        }

        parsed = new ParsedCiphertext(CiphertextFormat.UpstreamEnvelope, null, iv, body, wrappedKey, []);
        return true;
    }

    private static bool TryParseUpstreamAes(ReadOnlySpan<char> text, out byte[] iv, out byte[] body, [NotNullWhen(false)] out string? reason)
    {
        iv = body = [];
        var colon = text.IndexOf(':');
        if (colon <= 0 || text[(colon + 1)..].Contains(':'))
        {
            reason = "an upstream value must have the form <base64 iv>:<base64 ciphertext>";
            return false;
        }

        if (!TryFromBase64(text[..colon], out iv) || iv.Length != AesCbc.IvSize)
        {
            reason = "the IV is not 16 bytes of base64";
            return false;
        }

        if (!TryFromBase64(text[(colon + 1)..], out body) || body.Length == 0 || body.Length % 16 != 0)
        {
            reason = "the ciphertext is not a whole number of AES blocks in base64";
            return false;
        }

        reason = null;
        return true;
    }

    private static bool TryParseV2(string text, CiphertextFormat format, int prefixLength, out ParsedCiphertext? parsed, out string? reason)
    {
        parsed = null;
        var parts = text[prefixLength..].Split('.');
        var expected = format == CiphertextFormat.V2Envelope ? 3 : 2;
        if (parts.Length != expected)
        {
            reason = $"a {format} value must have {expected + 1} parts separated by '.'";
            return false;
        }

        var keyId = parts[0];
        if (!V2Layout.IsValidKeyId(keyId))
        {
            reason = "the key id is not 1 to 32 characters of [A-Za-z0-9_-]";
            return false;
        }

        if (!TryFromCanonicalBase64Url(parts[1], out var first) || first.Length <= AesGcmSealer.Overhead)
        {
            reason = "the sealed part is not canonical base64url of a sealed value";
            return false;
        }

        switch (format)
        {
            case CiphertextFormat.V2Value:
                parsed = new ParsedCiphertext(format, keyId, [], first, null, []);
                break;
            case CiphertextFormat.V2WrappedKey:
                if (first.Length != KeyDerivation.KeySize + AesGcmSealer.Overhead)
                {
                    reason = "the wrapped key has the wrong length";
                    return false;
                }

                parsed = new ParsedCiphertext(format, keyId, [], [], text, first);
                break;
            default:
                if (first.Length != KeyDerivation.KeySize + AesGcmSealer.Overhead)
                {
                    reason = "the wrapped key has the wrong length";
                    return false;
                }

                if (!TryFromCanonicalBase64Url(parts[2], out var payload) || payload.Length < AesGcmSealer.Overhead)
                {
                    reason = "the payload is not canonical base64url of a sealed value";
                    return false;
                }

                parsed = new ParsedCiphertext(format, keyId, [], payload, V2Layout.FormatWrappedKey(keyId, first), first);
                break;
        }

        reason = null;
        return true;
    }

    private static bool TryFromBase64(ReadOnlySpan<char> text, out byte[] bytes)
    {
        bytes = new byte[(text.Length * 3 / 4) + 3];
        if (text.IsEmpty || !Convert.TryFromBase64Chars(text, bytes, out var written))
        {
            bytes = [];
            return false;
        }

        bytes = bytes.AsSpan(0, written).ToArray();
        return true;
    }

    // Canonical: re-encoding gives the same text, so no two texts decode to the same bytes and a change to any
    // character of a v2 value is detected (the unused low bits of a final base64 character are otherwise ignored).
    private static bool TryFromCanonicalBase64Url(string text, out byte[] bytes)
    {
        bytes = [];
        if (text.Length == 0 || !Base64Url.IsValid(text.AsSpan(), out var length))
        {
            return false;
        }

        var buffer = new byte[length];
        if (Base64Url.DecodeFromChars(text, buffer, out _, out var written) != System.Buffers.OperationStatus.Done)
        {
            return false;
        }

        bytes = buffer.AsSpan(0, written).ToArray();
        return string.Equals(Base64Url.EncodeToString(bytes), text, StringComparison.Ordinal);
    }
}
