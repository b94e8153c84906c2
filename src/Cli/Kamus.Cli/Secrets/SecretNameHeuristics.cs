namespace Kamus.Cli.Secrets;

/// <summary>
/// Guesses from a configuration key whether its value is likely a secret: the last word of the key's last name is
/// password, secret, token, key (ApiKey, ClientSecret, AccessToken), or it names a connection string, or the value
/// sits under <c>ConnectionStrings</c>. Words that merely start with these (<c>KeyVaultName</c>, <c>TokenLifetime</c>) do not count.
/// </summary>
internal static class SecretNameHeuristics
{
    private static readonly HashSet<string> SecretWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "password", "passwd", "pwd", "passphrase", "secret", "token", "key", "apikey", "connectionstring", "credential", "credentials",
    };

    public static bool LooksSecret(string key)
    {
        var segments = key.Split(':');
        if (segments.Any(s => s.Equals("ConnectionStrings", StringComparison.OrdinalIgnoreCase)))
        {
            return true;
        }

        // The last name that is not an array index: Passwords:0 is about "Passwords".
        var name = segments.LastOrDefault(s => !s.All(char.IsAsciiDigit)) ?? string.Empty;
        var words = Words(name);
        if (words.Count == 0)
        {
            return false;
        }

        var last = words[^1];
        if (SecretWords.Contains(last) || SecretWords.Contains(last.TrimEnd('s')))
        {
            return true;
        }

        return words.Count >= 2 && words[^2].Equals("connection", StringComparison.OrdinalIgnoreCase) && last.StartsWith("string", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Splits camelCase, PascalCase, snake_case, kebab-case and dotted names into words.</summary>
    internal static List<string> Words(string name)
    {
        var words = new List<string>();
        var start = -1;
        for (var i = 0; i <= name.Length; i++)
        {
            var atEnd = i == name.Length;
            var c = atEnd ? '\0' : name[i];
            var boundary = atEnd || !char.IsLetterOrDigit(c)
                || (i > 0 && char.IsUpper(c) && (char.IsLower(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]) && char.IsUpper(name[i - 1]))));
            if (boundary && start >= 0)
            {
                words.Add(name[start..i]);
                start = -1;
            }

            if (!atEnd && char.IsLetterOrDigit(c) && start < 0)
            {
                start = i;
            }
        }

        return words;
    }
}
