using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Kamus.Testing;

/// <summary>
/// Captured logs, with Microsoft.Extensions.Diagnostics.Testing's <see cref="FakeLogCollector"/>: a logger factory that
/// records everything at Trace, and each record as one line (level, category, message, structured state, scopes and
/// exception) to search for leaked secrets.
/// </summary>
public static class FakeLogs
{
    /// <summary>A logger factory whose every record, at every level, goes to <paramref name="logs"/>.</summary>
    public static ILoggerFactory CreateLoggerFactory(this FakeLogCollector logs) =>
        LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(logs)));

    /// <summary>Each record as <c>Level Category Message [state] [scopes] exception</c>.</summary>
    public static IReadOnlyList<string> Lines(this FakeLogCollector logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        return [.. logs.GetSnapshot().Select(Render)];
    }

    /// <summary>Every record's line, joined: the text a leak check searches.</summary>
    public static string AllText(this FakeLogCollector logs) => string.Join('\n', logs.Lines());

    private static string Render(FakeLogRecord record)
    {
        var state = record.StructuredState is { } pairs ? string.Join(";", pairs.Select(p => $"{p.Key}={p.Value}")) : string.Empty;
        var scopes = string.Join("|", record.Scopes.Select(s => s?.ToString()));
        return $"{record.Level} {record.Category} {record.Message} [{state}] [{scopes}] {record.Exception}";
    }
}
