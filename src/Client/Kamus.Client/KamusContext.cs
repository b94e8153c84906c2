using Kamus.Wire.Formats;

namespace Kamus.Client;

/// <summary>
/// Contexts a value can be bound to when it is encrypted (see <c>docs/formats.md</c>): a bound value decrypts only when
/// the reader names the same context, so a value moved or copied to another place (key swapping) is refused.
/// </summary>
public static class KamusContext
{
    /// <summary>The longest context, in characters.</summary>
    public const int MaxLength = ValueContext.MaxLength;

    /// <summary>
    /// The context of a .NET configuration key (for example <c>ConnectionStrings:Orders</c> gives
    /// <c>config:connectionstrings:orders</c>; keys are case-insensitive). <c>kamus encrypt-json</c> binds every value
    /// to this context by default, and <c>AddKamus()</c> names it when decrypting.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="key"/> is null or empty.</exception>
    public static string ForConfigurationKey(string key) => ValueContext.ForConfigurationKey(key);

    /// <summary>Whether <paramref name="context"/> can be bound: 1 to <see cref="MaxLength"/> characters, none a control character.</summary>
    public static bool IsValid(string? context) => ValueContext.IsValid(context);

    /// <summary>Whether <paramref name="ciphertext"/> is a value bound to a context (<c>k2c.</c> or <c>k2ec.</c>), which needs its context to decrypt.</summary>
    public static bool IsBound(string? ciphertext) => CiphertextParser.TryParse(ciphertext, out var parsed, out _) && parsed.IsContextBound;
}
