namespace Kamus.Wire.Formats;

/// <summary>The text layout of the upstream Kamus formats, written for old consumers.</summary>
internal static class UpstreamLayout
{
    /// <summary>Prefix of an upstream envelope.</summary>
    public const string EnvelopePrefix = "env$";

    /// <summary>Formats an upstream AES value: <c>base64(iv):base64(ciphertext)</c>.</summary>
    public static string FormatAes(ReadOnlySpan<byte> iv, ReadOnlySpan<byte> ciphertext) =>
        string.Concat(Convert.ToBase64String(iv), ":", Convert.ToBase64String(ciphertext));

    /// <summary>Formats an upstream envelope from a wrapped key (itself a ciphertext) and the CBC payload.</summary>
    public static string FormatEnvelope(string wrappedKey, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> ciphertext) =>
        string.Concat(EnvelopePrefix, wrappedKey, "$", FormatAes(iv, ciphertext));
}
