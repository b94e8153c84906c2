using System.Buffers.Text;
using System.Text;

namespace Kamus.Wire.Formats;

/// <summary>
/// The optional context a v2 value is bound to, besides its service account: one string, <c>&lt;kind&gt;:&lt;where&gt;</c>,
/// authenticated in the associated data and carried in the text after the key id (<c>k2.&lt;keyId&gt;~&lt;b64url(context)&gt;.…</c>),
/// so a reader sees what a value is bound to and a value moved elsewhere does not open. An envelope binds a
/// <c>config:</c> context in its payload instead (<c>k2e.&lt;keyId&gt;+&lt;b64url(context)&gt;.…</c>, see
/// <see cref="PayloadSeparator"/>), so bound values of one batch share one data key.
/// Kinds: <c>kamussecret:&lt;namespace&gt;/&lt;name&gt;/&lt;key&gt;</c>, a KamusSecret key, which only the controller
/// decrypts (the pod-facing endpoints refuse it), and <c>config:&lt;path&gt;</c>, a configuration key.
/// See <c>docs/formats.md</c>.
/// </summary>
internal static class CiphertextContext
{
    /// <summary>
    /// Separates the key id from the encoded context in a v2 text when the context is bound in the data key's seal (or in
    /// a single value's seal); not a key-id or base64url character.
    /// </summary>
    public const char Separator = '~';

    /// <summary>
    /// Separates the key id from the encoded context of an envelope whose context is bound in the payload, under a shared
    /// unbound data key (<c>config:</c> contexts only, see <see cref="IsBoundInPayload"/>). Not a key-id or base64url
    /// character, and plain in JSON, YAML, environment variables and shells (docs/formats.md).
    /// </summary>
    public const char PayloadSeparator = '+';

    /// <summary>The kind prefix of a KamusSecret key's context.</summary>
    public const string KamusSecretPrefix = "kamussecret:";

    /// <summary>The kind prefix of a configuration key's context.</summary>
    public const string ConfigPrefix = "config:";

    /// <summary>The longest context, in UTF-8 bytes (a KamusSecret context needs at most 12 + 63 + 253 + 253 + 2).</summary>
    public const int MaxBytes = 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The context of key <paramref name="key"/> of KamusSecret <paramref name="namespace"/>/<paramref name="name"/>.</summary>
    public static string ForKamusSecret(string @namespace, string name, string key) => $"{KamusSecretPrefix}{@namespace}/{name}/{key}";

    /// <summary>
    /// The context of a .NET configuration key, such as <c>config:ConnectionStrings:Orders</c>. Configuration keys are
    /// case-insensitive, and so is <see cref="Matches"/> for this kind.
    /// </summary>
    public static string ForConfigurationKey(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        return ConfigPrefix + key;
    }

    /// <summary>
    /// Whether a value bound to <paramref name="bound"/> may be read where <paramref name="expected"/> is named:
    /// the same context (a configuration key's in any case, as configuration compares keys).
    /// </summary>
    public static bool Matches(string bound, string expected) =>
        string.Equals(bound, expected, bound.StartsWith(ConfigPrefix, StringComparison.Ordinal) ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);

    /// <summary>Whether <paramref name="context"/> binds a value to a KamusSecret (only the controller may decrypt it).</summary>
    public static bool IsKamusSecret(string? context) => context?.StartsWith(KamusSecretPrefix, StringComparison.Ordinal) == true;

    /// <summary>
    /// Whether an envelope binds <paramref name="context"/> in its payload, under a data key shared with the other values
    /// of its batch: <c>config:</c> contexts. A KamusSecret context stays in the data key's seal, so that the pod-facing
    /// endpoints can refuse to unwrap that key (they cannot refuse a shared, unbound one).
    /// </summary>
    public static bool IsBoundInPayload(string? context) => context?.StartsWith(ConfigPrefix, StringComparison.Ordinal) == true;

    /// <summary>
    /// Whether <paramref name="ciphertext"/> may be bound: a v2 text with a context separator. Readers check this before
    /// parsing, so that most values (every upstream one) are not parsed just to learn they are unbound.
    /// </summary>
    public static bool MayBeBound(string? ciphertext) =>
        ciphertext is not null && ciphertext.StartsWith("k2", StringComparison.Ordinal) && ciphertext.AsSpan().IndexOfAny(Separator, PayloadSeparator) >= 0;

    /// <summary>
    /// The context <paramref name="ciphertext"/> is bound to when a reader naming <paramref name="expected"/> must refuse
    /// it (bound elsewhere: moved or copied); <see langword="null"/> when it may be read there (bound to it, unbound, or
    /// not a Kamus value, which decrypting will refuse on its own).
    /// </summary>
    public static string? BoundElsewhere(string? ciphertext, string expected) =>
        MayBeBound(ciphertext) && CiphertextParser.TryParse(ciphertext, out var parsed, out _) && parsed.Context is { } bound && !Matches(bound, expected)
            ? bound
            : null;

    /// <summary>Whether <paramref name="context"/> can be bound: <c>kind:rest</c>, 1 to <see cref="MaxBytes"/> UTF-8 bytes, no control characters.</summary>
    public static bool IsValid(string? context)
    {
        if (string.IsNullOrEmpty(context) || context.IndexOf(':', StringComparison.Ordinal) <= 0 || context.Any(char.IsControl))
        {
            return false;
        }

        try
        {
            return StrictUtf8.GetByteCount(context) <= MaxBytes;
        }
        catch (EncoderFallbackException)
        {
            // A lone surrogate is not text.
            return false;
        }
    }

    /// <summary>
    /// The key-id segment of a v2 text: the key id, then the separator (<see cref="PayloadSeparator"/> when
    /// <paramref name="inPayload"/>, otherwise <see cref="Separator"/>) and the encoded context if any.
    /// </summary>
    public static string Segment(string keyId, string? context, bool inPayload = false) =>
        context is null ? keyId : string.Concat(keyId, (inPayload ? PayloadSeparator : Separator).ToString(), Base64Url.EncodeToString(StrictUtf8.GetBytes(context)));

    /// <summary>Decodes the context part of a key-id segment (canonical base64url of valid UTF-8), or returns <see langword="null"/>.</summary>
    public static string? TryDecode(ReadOnlySpan<char> encoded)
    {
        if (encoded.IsEmpty || !Base64Url.IsValid(encoded, out var length) || length > MaxBytes)
        {
            return null;
        }

        Span<byte> bytes = stackalloc byte[length];
        if (Base64Url.DecodeFromChars(encoded, bytes, out _, out var written) != System.Buffers.OperationStatus.Done || Base64Url.GetEncodedLength(written) != encoded.Length)
        {
            return null;
        }

        string context;
        try
        {
            context = StrictUtf8.GetString(bytes[..written]);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }

        // Canonical: exactly what Segment writes, so no two texts carry the same context.
        return IsValid(context) && encoded.SequenceEqual(Base64Url.EncodeToString(bytes[..written])) ? context : null;
    }
}
