using Microsoft.Extensions.Logging;

namespace Kamus.Benchmarks.Infrastructure;

/// <summary>
/// A logger that formats every enabled record (as a console or JSON logger would) and throws the text away, so the
/// benchmarks pay for producing log lines, not for a terminal.
/// </summary>
internal sealed class DiscardingLoggerProvider : ILoggerProvider
{
    private static int s_sink;

    public ILogger CreateLogger(string categoryName) => new DiscardingLogger();

    public void Dispose()
    {
    }

    private sealed class DiscardingLogger : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            // Keep the formatted text observable so the JIT cannot drop the formatting.
            s_sink += formatter(state, exception).Length;
        }
    }
}
