namespace Kamus.Cli.Secrets;

/// <summary>
/// The prefix that marks an encrypted configuration value (<c>kamus:</c> + ciphertext), the default of
/// Kamus.Configuration's <c>AddKamus</c>.
/// </summary>
internal static class EncryptedValueMarker
{
    public const string Prefix = "kamus:";

    public static bool IsMarked(string value) => value.StartsWith(Prefix, StringComparison.Ordinal);

    public static string Mark(string ciphertext) => Prefix + ciphertext;

    /// <summary>The ciphertext of a marked value, or the text itself when it carries no marker.</summary>
    public static string Strip(string value) => IsMarked(value) ? value[Prefix.Length..] : value;
}
