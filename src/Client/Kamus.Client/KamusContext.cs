using Kamus.Wire.Formats;

namespace Kamus.Client;

/// <summary>
/// Contexts a value can be bound to when it is encrypted (see <c>docs/formats.md</c>): the context is carried in the
/// value and authenticated with it, so a reader that names where it reads a value refuses one bound elsewhere (a value
/// moved or copied to another key: key swapping).
/// </summary>
public static class KamusContext
{
    /// <summary>The longest context, in UTF-8 bytes.</summary>
    public const int MaxBytes = CiphertextContext.MaxBytes;

    /// <summary>
    /// The context of a .NET configuration key: <c>ConnectionStrings:Orders</c> gives <c>config:ConnectionStrings:Orders</c>
    /// (compared without regard to case, as configuration keys are). <c>kamus encrypt-json</c> binds every value to it by
    /// default; <c>AddKamus()</c> names it when it decrypts.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="key"/> is null or empty.</exception>
    public static string ForConfigurationKey(string key) => CiphertextContext.ForConfigurationKey(key);

    /// <summary>Whether <paramref name="context"/> can be bound: <c>kind:rest</c>, 1 to <see cref="MaxBytes"/> UTF-8 bytes, no control characters.</summary>
    public static bool IsValid(string? context) => CiphertextContext.IsValid(context);

    /// <summary>The context <paramref name="ciphertext"/> is bound to, or <see langword="null"/> (unbound, or not a Kamus ciphertext).</summary>
    public static string? Of(string? ciphertext) => CiphertextParser.TryParse(ciphertext, out var parsed, out _) ? parsed.Context : null;
}
