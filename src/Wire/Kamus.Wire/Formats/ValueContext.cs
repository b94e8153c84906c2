namespace Kamus.Wire.Formats;

/// <summary>
/// The optional context a v2 value can be bound to: where the value is meant to be used, so that a value moved or
/// copied to another place fails to decrypt (key swapping). The producer and the reader must name the same context.
/// </summary>
/// <remarks>
/// A context is a short text that starts with its kind, so contexts of different kinds never collide:
/// <c>config:&lt;configuration key, lower case&gt;</c> (<see cref="ForConfigurationKey"/>) for application settings;
/// other kinds (a KamusSecret's <c>namespace/name/key</c>, ...) choose their own prefix. It is bound, not stored: the
/// ciphertext shows only that it has one.
/// </remarks>
internal static class ValueContext
{
    /// <summary>The longest context, in characters.</summary>
    public const int MaxLength = 1024;

    /// <summary>The prefix of a configuration-key context.</summary>
    public const string ConfigurationPrefix = "config:";

    /// <summary>Whether <paramref name="context"/> can be bound: 1 to <see cref="MaxLength"/> characters, none a control character.</summary>
    public static bool IsValid(ReadOnlySpan<char> context)
    {
        if (context.IsEmpty || context.Length > MaxLength)
        {
            return false;
        }

        foreach (var c in context)
        {
            if (char.IsControl(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The context of a configuration key such as <c>ConnectionStrings:Orders</c>. .NET configuration keys are
    /// case-insensitive, so the key is lower-cased: <c>config:connectionstrings:orders</c>.
    /// </summary>
    public static string ForConfigurationKey(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        return string.Concat(ConfigurationPrefix, key.ToLowerInvariant());
    }

    /// <summary>
    /// The context to open a value with: <paramref name="expected"/> when the value is bound, <see langword="null"/>
    /// (unbound associated data) when it is not. A bound value read without a context gets the empty context, which no
    /// value is ever sealed with, so it fails rather than open.
    /// </summary>
    public static string? Effective(bool valueIsBound, string? expected) => valueIsBound ? expected ?? string.Empty : null;
}
