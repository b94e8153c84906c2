using System.Text;

namespace Kamus.Cli.Secrets;

/// <summary>
/// Upstream kamus-cli's <c>--secret-file-encoding</c> values (Node.js buffer encodings): text encodings decode the
/// file, <c>base64</c> and <c>hex</c> turn its bytes into text (useful for binary secrets).
/// </summary>
internal static class SecretFileEncoding
{
    public static readonly string[] Names = ["utf8", "utf-8", "ascii", "latin1", "binary", "utf16le", "utf-16le", "ucs2", "ucs-2", "base64", "hex"];

    /// <exception cref="CliException">The bytes are not valid in the encoding, or the encoding is unknown.</exception>
    public static string Decode(byte[] bytes, string encoding, string fileName)
    {
        try
        {
            return encoding.ToUpperInvariant() switch
            {
                "UTF8" or "UTF-8" => Strict(new UTF8Encoding(false, true), bytes.AsSpan().StartsWith(Utf8Bom) ? bytes[3..] : bytes),
                "ASCII" => Strict(Encoding.GetEncoding("us-ascii", EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback), bytes),
                "LATIN1" or "BINARY" => Encoding.Latin1.GetString(bytes),
                "UTF16LE" or "UTF-16LE" or "UCS2" or "UCS-2" => Strict(new UnicodeEncoding(false, false, true), bytes),
                "BASE64" => Convert.ToBase64String(bytes),
                "HEX" => Convert.ToHexStringLower(bytes),
                _ => throw CliException.Usage($"--secret-file-encoding '{encoding}' is not supported; use one of: {string.Join(", ", Names)}."),
            };
        }
        catch (DecoderFallbackException e)
        {
            throw CliException.Input($"{fileName} is not valid {encoding}; use --secret-file-encoding base64 for binary secrets.", e);
        }
    }

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    private static string Strict(Encoding encoding, byte[] bytes) => encoding.GetString(bytes);
}
