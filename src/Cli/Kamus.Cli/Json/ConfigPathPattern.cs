namespace Kamus.Cli.Json;

/// <summary>
/// A configuration key pattern: segments separated by ':' as in <c>IConfiguration</c>, compared case-insensitively,
/// where a <c>*</c> segment matches exactly one segment (<c>ConnectionStrings:*</c>) and array indexes are segments.
/// </summary>
internal sealed class ConfigPathPattern
{
    private readonly string[] _segments;

    private ConfigPathPattern(string text, string[] segments)
    {
        Text = text;
        _segments = segments;
    }

    public string Text { get; }

    public bool HasWildcard => _segments.Contains("*");

    /// <exception cref="CliException">The pattern is empty, has an empty segment, or a '*' inside a segment.</exception>
    public static ConfigPathPattern Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw CliException.Usage("--key needs a configuration path such as 'ConnectionStrings:Orders' or 'ConnectionStrings:*'.");
        }

        var segments = text.Split(':');
        if (segments.Any(s => s.Length == 0))
        {
            throw CliException.Usage($"--key '{text}' has an empty segment: separate sections with a single ':'.");
        }

        if (segments.Any(s => s != "*" && s.Contains('*', StringComparison.Ordinal)))
        {
            throw CliException.Usage($"--key '{text}': '*' must be a whole segment (it matches exactly one segment).");
        }

        return new ConfigPathPattern(text, segments);
    }

    public bool Matches(string key)
    {
        if (key.Length == 0)
        {
            return false;
        }

        var keySegments = key.Split(':');
        if (keySegments.Length != _segments.Length)
        {
            return false;
        }

        for (var i = 0; i < keySegments.Length; i++)
        {
            if (_segments[i] != "*" && !string.Equals(_segments[i], keySegments[i], StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return true;
    }

    public override string ToString() => Text;
}
