using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using Kamus.Wire.Crypto;
using Kamus.Wire.Crypto.Hpke;

namespace Kamus.Wire.Formats;

/// <summary>
/// Parses every Kamus ciphertext layout. It never throws on bad input: the outcome is a parsed value or a short reason
/// that contains nothing of the input.
/// </summary>
internal static class CiphertextParser
{
    /// <summary>The longest ciphertext accepted, in characters (the server's body limit is of the same order).</summary>
    public const int MaxLength = 1024 * 1024;

    // The shortest KMS ciphertext upstream could have written (Cloud KMS adds more than 32 bytes to a 1-byte value).
    private const int MinKmsCiphertextSize = 32;

    private static readonly System.Buffers.SearchValues<char> UpstreamWrappedKeyCharacters =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=:");

    private static string? s_lastKeyId;

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

        // Surrounding whitespace (a trailing newline from a --from-file ConfigMap) is not part of any format; upstream's
        // base64 decoding has always ignored it, so v2 values do too.
        var trimmed = text.AsSpan().Trim();
        if (trimmed.Length != text.Length)
        {
            if (trimmed.IsEmpty)
            {
                reason = "the ciphertext is empty";
                return false;
            }

            text = trimmed.ToString();
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

        if (text.StartsWith(OfflineLayout.ValuePrefix, StringComparison.Ordinal))
        {
            return TryParseOffline(text, out parsed, out reason);
        }

        if (text.StartsWith(UpstreamLayout.EnvelopePrefix, StringComparison.Ordinal))
        {
            return TryParseUpstreamEnvelope(text, out parsed, out reason);
        }

        if (!TryParseUpstreamAes(text, out var iv, out var body, out var aesReason))
        {
            // No ':' at all: upstream's cloud providers wrote bare base64 of a KMS ciphertext.
            if (!text.Contains(':') && TryFromBase64(text, out var kmsCiphertext) && kmsCiphertext.Length >= MinKmsCiphertextSize)
            {
                parsed = new ParsedCiphertext(CiphertextFormat.UpstreamKms, null, [], kmsCiphertext, null, []);
                reason = null;
                return true;
            }

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

        // The wrapped key is opaque here: an AES value (base64 iv:ct) under the AESKey provider, base64 of a KMS blob
        // under AWS, Azure or GCP. Anything else (a k2k. text above all) is refused: a data key unwrapped for one format
        // must never be taken for another's, whatever a cache keyed by the wrapped key's text would do.
        var wrappedKeyText = rest[..dollar];
        if (wrappedKeyText.ContainsAnyExcept(UpstreamWrappedKeyCharacters))
        {
            reason = "an upstream envelope's wrapped key must be base64 (an AES value or a KMS blob)";
            return false;
        }

        var wrappedKey = wrappedKeyText.ToString();
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
        // Spans, not Split: a client parses every value it meets, so the parse allocates only what it returns.
        parsed = null;
        var rest = text.AsSpan(prefixLength);
        var expected = format == CiphertextFormat.V2Envelope ? 3 : 2;
        if (rest.Count('.') != expected - 1)
        {
            reason = $"a {format} value must have {expected + 1} parts separated by '.'";
            return false;
        }

        var keyIdEnd = rest.IndexOf('.');
        var keyIdText = rest[..keyIdEnd];
        var sealedText = rest[(keyIdEnd + 1)..];
        var payloadText = ReadOnlySpan<char>.Empty;
        if (expected == 3)
        {
            var sealedEnd = sealedText.IndexOf('.');
            payloadText = sealedText[(sealedEnd + 1)..];
            sealedText = sealedText[..sealedEnd];
        }

        if (!TrySplitContext(ref keyIdText, out var context, out var inPayload, out reason))
        {
            return false;
        }

        if (inPayload && !(format == CiphertextFormat.V2Envelope && CiphertextContext.IsBoundInPayload(context)))
        {
            reason = "only an envelope bound to a config: context carries it after '+'";
            return false;
        }

        if (!V2Layout.IsValidKeyId(keyIdText))
        {
            reason = "the key id is not 1 to 32 characters of [A-Za-z0-9_-]";
            return false;
        }

        // A sealed empty string is exactly the overhead (upstream's API encrypts empty strings, so ours does too).
        if (!TryFromCanonicalBase64Url(sealedText, out var first) || first.Length < AesGcmSealer.Overhead)
        {
            reason = "the sealed part is not canonical base64url of a sealed value";
            return false;
        }

        var keyId = KeyIdText(keyIdText);
        switch (format)
        {
            case CiphertextFormat.V2Value:
                parsed = new ParsedCiphertext(format, keyId, [], first, null, [], context);
                break;
            case CiphertextFormat.V2WrappedKey:
                if (!IsSealedKeyLength(first.Length))
                {
                    reason = "the wrapped key has the wrong length";
                    return false;
                }

                parsed = new ParsedCiphertext(format, keyId, [], [], text, first, context);
                break;
            default:
                if (!IsSealedKeyLength(first.Length))
                {
                    reason = "the wrapped key has the wrong length";
                    return false;
                }

                if (!TryFromCanonicalBase64Url(payloadText, out var payload) || payload.Length < AesGcmSealer.Overhead)
                {
                    reason = "the payload is not canonical base64url of a sealed value";
                    return false;
                }

                // The key-id segment (with any context) and the sealed part are canonical, so they are exactly what
                // V2Layout.FormatWrappedKey would encode: reuse the text. A context bound in the payload is not the data
                // key's: its wrapped key is the unbound one, shared by the batch (one unwrap, one cache entry).
                var wrappedKey = inPayload
                    ? string.Concat(V2Layout.WrappedKeyPrefix, keyIdText, rest[keyIdEnd..(keyIdEnd + 1 + sealedText.Length)])
                    : string.Concat(V2Layout.WrappedKeyPrefix, rest[..(keyIdEnd + 1 + sealedText.Length)]);
                parsed = new ParsedCiphertext(format, keyId, [], payload, wrappedKey, first, context, inPayload);
                break;
        }

        reason = null;
        return true;
    }

    private static bool IsSealedKeyLength(int length) => length is >= KeyDerivation.KeySize + AesGcmSealer.Overhead and <= V2Layout.MaxSealedKeySize;
    private static bool TryParseOffline(string text, out ParsedCiphertext? parsed, out string? reason)
    {
        parsed = null;
        var rest = text.AsSpan(OfflineLayout.ValuePrefix.Length);
        Span<Range> parts = stackalloc Range[5];
        if (rest.Split(parts, '.') != 4)
        {
            reason = "an offline value must have the form k2h.<suite>.<key id>[~<context>].<enc>.<sealed>";
            return false;
        }

        if (!OfflineLayout.TryParseSuite(rest[parts[0]], out var suite))
        {
            reason = "the HPKE suite is not three 4-digit lowercase hex ids (kem-kdf-aead)";
            return false;
        }

        var keyIdText = rest[parts[1]];
        if (!TrySplitContext(ref keyIdText, out var context, out var inPayload, out reason))
        {
            return false;
        }

        if (inPayload)
        {
            reason = "an offline value carries its context after '~' only";
            return false;
        }

        if (!V2Layout.IsValidKeyId(keyIdText) || !OfflineLayout.TryParseEpoch(keyIdText, out _))
        {
            reason = "the public-key id is not e<epoch>-<fingerprint>";
            return false;
        }

        if (!TryFromCanonicalBase64Url(rest[parts[2]], out var encapsulatedKey) || encapsulatedKey.Length == 0)
        {
            reason = "the encapsulated key is not canonical base64url";
            return false;
        }

        if (!TryFromCanonicalBase64Url(rest[parts[3]], out var sealedMessage) || sealedMessage.Length <= HpkeSuite.TagLength)
        {
            reason = "the sealed part is not canonical base64url of a sealed value";
            return false;
        }

        parsed = new ParsedCiphertext(suite, KeyIdText(keyIdText), encapsulatedKey, sealedMessage, context);
        reason = null;
        return true;
    }

    // The key-id segment may end in a separator ('~', or '+' for a context bound in an envelope's payload) and a bound
    // context (CiphertextContext); keyIdText keeps the key id only.
    private static bool TrySplitContext(ref ReadOnlySpan<char> keyIdText, out string? context, out bool inPayload, out string? reason)
    {
        context = null;
        reason = null;
        var separator = keyIdText.IndexOfAny(CiphertextContext.Separator, CiphertextContext.PayloadSeparator);
        inPayload = separator >= 0 && keyIdText[separator] == CiphertextContext.PayloadSeparator;
        if (separator < 0)
        {
            return true;
        }

        var encoded = keyIdText[(separator + 1)..];
        if (encoded.IndexOfAny(CiphertextContext.Separator, CiphertextContext.PayloadSeparator) >= 0)
        {
            reason = "the key id carries more than one context separator ('~' or '+')";
            return false;
        }

        context = CiphertextContext.TryDecode(encoded);
        if (context is null)
        {
            reason = "the bound context is not canonical base64url of a valid context";
            return false;
        }

        keyIdText = keyIdText[..separator];
        return true;
    }

    // Nearly every value names the same key id: reuse the last one's string rather than allocate one per value.
    private static string KeyIdText(ReadOnlySpan<char> keyId)
    {
        var last = s_lastKeyId;
        if (last is not null && keyId.SequenceEqual(last))
        {
            return last;
        }

        return s_lastKeyId = keyId.ToString();
    }

    private static bool TryFromBase64(ReadOnlySpan<char> text, out byte[] bytes)
    {
        bytes = [];
        var maxLength = (text.Length * 3 / 4) + 3;
        var buffer = maxLength <= 1024 ? stackalloc byte[maxLength] : new byte[maxLength];
        if (text.IsEmpty || !Convert.TryFromBase64Chars(text, buffer, out var written))
        {
            return false;
        }

        bytes = buffer[..written].ToArray();
        return true;
    }

    // Canonical: re-encoding gives the same text, so no two texts decode to the same bytes and a change to any
    // character of a v2 value is detected (the unused low bits of a final base64 character are otherwise ignored).
    internal static bool TryFromCanonicalBase64Url(ReadOnlySpan<char> text, out byte[] bytes)
    {
        bytes = [];
        if (text.IsEmpty || !Base64Url.IsValid(text, out var length))
        {
            return false;
        }

        var buffer = new byte[length];
        if (Base64Url.DecodeFromChars(text, buffer, out _, out var written) != System.Buffers.OperationStatus.Done || written != length)
        {
            return false;
        }

        var encodedLength = Base64Url.GetEncodedLength(written);
        if (encodedLength != text.Length)
        {
            return false;
        }

        char[]? rented = null;
        var encoded = encodedLength <= 1024 ? stackalloc char[encodedLength] : (rented = System.Buffers.ArrayPool<char>.Shared.Rent(encodedLength));
        try
        {
            var charsWritten = Base64Url.EncodeToChars(buffer, encoded);
            if (!encoded[..charsWritten].SequenceEqual(text))
            {
                return false;
            }
        }
        finally
        {
            if (rented is not null)
            {
                System.Buffers.ArrayPool<char>.Shared.Return(rented);
            }
        }

        bytes = buffer;
        return true;
    }
}
