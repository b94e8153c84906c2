using System.Buffers.Text;
using System.Text;
using Kamus.Wire.Identity;

namespace Kamus.Wire.Formats;

/// <summary>
/// The text layout and associated data of the v2 formats (see <c>docs/formats.md</c>).
/// A v2 value starts with <c>k2</c> and a '.', which neither upstream layout can contain ('.' is not base64, and
/// upstream envelopes start with <c>env$</c>).
/// </summary>
/// <remarks>
/// A value or envelope may be bound to a context (see <see cref="ValueContext"/>): its prefix then says so
/// (<see cref="BoundValuePrefix"/>, <see cref="BoundEnvelopePrefix"/>) and the context ends its associated data, so it
/// opens only where the reader names the same context. Values without a context keep their prefixes and bytes.
/// </remarks>
internal static class V2Layout
{
    /// <summary>Prefix of a v2 value.</summary>
    public const string ValuePrefix = "k2.";

    /// <summary>Prefix of a v2 bare wrapped data key.</summary>
    public const string WrappedKeyPrefix = "k2k.";

    /// <summary>Prefix of a v2 envelope.</summary>
    public const string EnvelopePrefix = "k2e.";

    /// <summary>Prefix of a v2 value bound to a context.</summary>
    public const string BoundValuePrefix = "k2c.";

    /// <summary>Prefix of a v2 envelope whose payload is bound to a context.</summary>
    public const string BoundEnvelopePrefix = "k2ec.";

    /// <summary>The longest key id: 1 to 32 characters of <c>[A-Za-z0-9_-]</c>.</summary>
    public const int MaxKeyIdLength = 32;

    /// <summary>
    /// Whether <paramref name="text"/> looks like a value bound to a context (its prefix; it is not parsed). Readers
    /// send a context only with such values, so servers that predate contexts see the requests they always did.
    /// </summary>
    public static bool LooksBound(string text)
    {
        var trimmed = text.AsSpan().TrimStart();
        return trimmed.StartsWith(BoundValuePrefix, StringComparison.Ordinal) || trimmed.StartsWith(BoundEnvelopePrefix, StringComparison.Ordinal);
    }

    /// <summary>Whether <paramref name="keyId"/> is a valid key id.</summary>
    public static bool IsValidKeyId(ReadOnlySpan<char> keyId)
    {
        if (keyId.IsEmpty || keyId.Length > MaxKeyIdLength)
        {
            return false;
        }

        foreach (var c in keyId)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Associated data of a v2 value: format, key id and identity.</summary>
    public static byte[] ValueAssociatedData(string keyId, ServiceAccountIdentity identity) =>
        Encoding.UTF8.GetBytes($"kamus/v2/value|{keyId}|{identity}");

    /// <summary>
    /// Associated data of a v2 value bound to <paramref name="context"/> (<c>…|context|&lt;context&gt;</c> after the
    /// unbound data), or the unbound data when <paramref name="context"/> is <see langword="null"/>. An identity never
    /// contains '|', so the two never collide.
    /// </summary>
    public static byte[] ValueAssociatedData(string keyId, ServiceAccountIdentity identity, string? context) =>
        context is null ? ValueAssociatedData(keyId, identity) : Encoding.UTF8.GetBytes($"kamus/v2/value|{keyId}|{identity}|context|{context}");

    /// <summary>Associated data of a v2 data-key seal: format, key id and identity.</summary>
    public static byte[] DataKeyAssociatedData(string keyId, ServiceAccountIdentity identity) =>
        Encoding.UTF8.GetBytes($"kamus/v2/dek|{keyId}|{identity}");

    /// <summary>
    /// Associated data of an envelope payload. The data key is random per envelope and bound to the identity by its own
    /// seal; the label keeps a payload from being read as any other kind of v2 seal.
    /// </summary>
    public static ReadOnlySpan<byte> PayloadAssociatedData => "kamus/v2/payload"u8;

    /// <summary>
    /// Associated data of an envelope payload bound to <paramref name="context"/>
    /// (<c>kamus/v2/payload|context|&lt;context&gt;</c>), or <see cref="PayloadAssociatedData"/> when it is <see langword="null"/>.
    /// </summary>
    public static byte[] PayloadAssociatedDataFor(string? context) =>
        context is null ? PayloadAssociatedData.ToArray() : Encoding.UTF8.GetBytes($"kamus/v2/payload|context|{context}");

    /// <summary>Formats a v2 value.</summary>
    public static string FormatValue(string keyId, ReadOnlySpan<byte> sealedValue) =>
        string.Concat(ValuePrefix, keyId, ".", Base64Url.EncodeToString(sealedValue));

    /// <summary>Formats a v2 value, with the bound prefix when it was sealed with a context.</summary>
    public static string FormatValue(string keyId, ReadOnlySpan<byte> sealedValue, bool contextBound) =>
        string.Concat(contextBound ? BoundValuePrefix : ValuePrefix, keyId, ".", Base64Url.EncodeToString(sealedValue));

    /// <summary>Formats a bare wrapped data key.</summary>
    public static string FormatWrappedKey(string keyId, ReadOnlySpan<byte> sealedKey) =>
        string.Concat(WrappedKeyPrefix, keyId, ".", Base64Url.EncodeToString(sealedKey));

    /// <summary>Formats an envelope from its already formatted wrapped key and a sealed payload.</summary>
    public static string FormatEnvelope(string keyId, ReadOnlySpan<byte> sealedKey, ReadOnlySpan<byte> sealedPayload) =>
        string.Concat(EnvelopePrefix, keyId, ".", Base64Url.EncodeToString(sealedKey), ".", Base64Url.EncodeToString(sealedPayload));

    /// <summary>Formats an envelope, with the bound prefix when its payload was sealed with a context.</summary>
    public static string FormatEnvelope(string keyId, ReadOnlySpan<byte> sealedKey, ReadOnlySpan<byte> sealedPayload, bool contextBound) =>
        string.Concat(contextBound ? BoundEnvelopePrefix : EnvelopePrefix, keyId, ".", Base64Url.EncodeToString(sealedKey), ".", Base64Url.EncodeToString(sealedPayload));
}
