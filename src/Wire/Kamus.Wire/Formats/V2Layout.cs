using System.Buffers.Text;
using System.Text;
using Kamus.Wire.Identity;

namespace Kamus.Wire.Formats;

/// <summary>
/// The text layout and associated data of the v2 formats (see <c>docs/formats.md</c>).
/// A v2 value starts with <c>k2</c> and a '.', which neither upstream layout can contain ('.' is not base64, and
/// upstream envelopes start with <c>env$</c>).
/// </summary>
internal static class V2Layout
{
    /// <summary>Prefix of a v2 value.</summary>
    public const string ValuePrefix = "k2.";

    /// <summary>Prefix of a v2 bare wrapped data key.</summary>
    public const string WrappedKeyPrefix = "k2k.";

    /// <summary>Prefix of a v2 envelope.</summary>
    public const string EnvelopePrefix = "k2e.";

    /// <summary>
    /// The longest sealed data key. An in-process or HSM seal is exactly 60 bytes (32 + nonce + tag); a cloud KMS seal
    /// also carries the KMS's own ciphertext (a few hundred bytes; an RSA-4096 Key Vault key gives 512).
    /// </summary>
    public const int MaxSealedKeySize = 4096;

    /// <summary>The longest key id: 1 to 32 characters of <c>[A-Za-z0-9_-]</c>.</summary>
    public const int MaxKeyIdLength = 32;

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

    /// <summary>
    /// Associated data of a v2 value: format, key id, identity and, when bound, the <see cref="CiphertextContext"/>
    /// (last, after a '|': key ids and identities contain none, so the parts cannot be confused).
    /// </summary>
    public static byte[] ValueAssociatedData(string keyId, ServiceAccountIdentity identity, string? context = null) =>
        Encoding.UTF8.GetBytes(context is null ? $"kamus/v2/value|{keyId}|{identity}" : $"kamus/v2/value|{keyId}|{identity}|{context}");

    /// <summary>Associated data of a v2 data-key seal: format, key id, identity and, when bound, the context.</summary>
    public static byte[] DataKeyAssociatedData(string keyId, ServiceAccountIdentity identity, string? context = null) =>
        Encoding.UTF8.GetBytes(context is null ? $"kamus/v2/dek|{keyId}|{identity}" : $"kamus/v2/dek|{keyId}|{identity}|{context}");

    /// <summary>
    /// Associated data of an envelope payload. The data key is random per batch and bound to the identity by its own
    /// seal; the label keeps a payload from being read as any other kind of v2 seal.
    /// </summary>
    public static ReadOnlySpan<byte> PayloadAssociatedData => "kamus/v2/payload"u8;

    /// <summary>The longest associated data of a payload bound to a context: the label, a '|' and the context.</summary>
    public const int MaxBoundPayloadAssociatedDataSize = 17 + CiphertextContext.MaxBytes;

    /// <summary>
    /// Writes the associated data of a payload bound to <paramref name="context"/> (<c>kamus/v2/payload|&lt;context&gt;</c>,
    /// <see cref="CiphertextContext.PayloadSeparator"/>) into <paramref name="destination"/>, which holds
    /// <see cref="MaxBoundPayloadAssociatedDataSize"/> bytes, and returns its length. No allocation: the fast path reads
    /// many such payloads.
    /// </summary>
    public static int WriteBoundPayloadAssociatedData(string context, Span<byte> destination)
    {
        PayloadAssociatedData.CopyTo(destination);
        destination[PayloadAssociatedData.Length] = (byte)'|';
        return PayloadAssociatedData.Length + 1 + Encoding.UTF8.GetBytes(context, destination[(PayloadAssociatedData.Length + 1)..]);
    }

    /// <summary>Formats a v2 value (bound to <paramref name="context"/> when given).</summary>
    public static string FormatValue(string keyId, ReadOnlySpan<byte> sealedValue, string? context = null) =>
        string.Concat(ValuePrefix, CiphertextContext.Segment(keyId, context), ".", Base64Url.EncodeToString(sealedValue));

    /// <summary>Formats a bare wrapped data key (bound to <paramref name="context"/> when given).</summary>
    public static string FormatWrappedKey(string keyId, ReadOnlySpan<byte> sealedKey, string? context = null) =>
        string.Concat(WrappedKeyPrefix, CiphertextContext.Segment(keyId, context), ".", Base64Url.EncodeToString(sealedKey));

    /// <summary>
    /// Formats an envelope from its sealed data key and a sealed payload, bound to <paramref name="context"/> when given:
    /// in the payload when <paramref name="inPayload"/> (the data key then sealed unbound), otherwise in the data key's seal.
    /// </summary>
    public static string FormatEnvelope(string keyId, ReadOnlySpan<byte> sealedKey, ReadOnlySpan<byte> sealedPayload, string? context = null, bool inPayload = false) =>
        string.Concat(EnvelopePrefix, CiphertextContext.Segment(keyId, context, inPayload), ".", Base64Url.EncodeToString(sealedKey), ".", Base64Url.EncodeToString(sealedPayload));
}
