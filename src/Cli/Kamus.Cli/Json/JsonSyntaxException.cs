namespace Kamus.Cli.Json;

/// <summary>The text is not valid JSON. The message names the position only, never content.</summary>
internal sealed class JsonSyntaxException(long line, long column, Exception? innerException)
    : Exception(column > 0 ? $"not valid JSON (line {line}, column {column})" : $"not valid JSON (line {line})", innerException)
{
    public long Line { get; } = line;

    public long Column { get; } = column;
}
