using Microsoft.Extensions.Logging;

namespace Kamus.Configuration.Diagnostics;

/// <summary>
/// The logger of a provider that was given no <see cref="KamusConfigurationOptions.LoggerFactory"/>. Configuration is
/// decrypted before the host's logging exists, so without it a server that is down or slow would keep the application
/// silent until the deadline. Warnings and errors only (retries naming the URL and the cause, keys that failed), to
/// standard error, where container logs collect them. Messages are the same value-free ones any logger gets.
/// Give the provider a <c>LoggerFactory</c> (or <c>NullLoggerFactory.Instance</c>) to send them elsewhere.
/// </summary>
internal sealed class StandardErrorLoggerFactory : ILoggerFactory
{
    public static readonly StandardErrorLoggerFactory Instance = new();

    private StandardErrorLoggerFactory()
    {
    }

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName);

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException("The Kamus start-up logger writes to standard error only.");

    public void Dispose()
    {
    }

    private sealed class Logger(string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel is >= LogLevel.Warning and < LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            // One line per message; exceptions by type only (their messages are value-free, but a stack trace is noise here).
            var level = logLevel == LogLevel.Warning ? "warn" : "fail";
            var suffix = exception is null ? string.Empty : $" ({exception.GetType().Name})";
            Console.Error.WriteLine($"{level}: {category}: {formatter(state, exception)}{suffix}");
        }
    }
}
