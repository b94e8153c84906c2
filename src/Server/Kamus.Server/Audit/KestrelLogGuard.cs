using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Kamus.Server.Audit;

/// <summary>
/// The server's <see cref="ILoggerFactory"/>: the usual <see cref="LoggerFactory"/>, except that Kestrel's categories
/// (<c>Microsoft.AspNetCore.Server.Kestrel*</c>) log at Warning and above only, whatever the logging settings say.
/// </summary>
/// <remarks>
/// Kestrel quotes the raw line of a malformed request header (an <c>Authorization: Bearer …</c> line with a stray space
/// or a bare CR) in its bad-request messages whenever its logger is enabled at Information, and logs them at Debug. A
/// deployment turning on Debug logs to chase a problem would print callers' tokens. Disabled below Warning, Kestrel
/// neither writes those records nor puts request bytes in its exception messages. Nothing else is filtered.
/// </remarks>
internal sealed class KestrelLogGuard : ILoggerFactory
{
    private const string KestrelCategory = "Microsoft.AspNetCore.Server.Kestrel";

    private readonly LoggerFactory _inner;

    private KestrelLogGuard(LoggerFactory inner) => _inner = inner;

    /// <summary>Replaces the registered <see cref="ILoggerFactory"/> with a guarded <see cref="LoggerFactory"/> built the way DI builds it.</summary>
    public static void Register(IServiceCollection services) =>
        services.Replace(ServiceDescriptor.Singleton<ILoggerFactory>(sp => new KestrelLogGuard(new LoggerFactory(
            sp.GetServices<ILoggerProvider>(),
            sp.GetRequiredService<IOptionsMonitor<LoggerFilterOptions>>(),
            sp.GetService<IOptions<LoggerFactoryOptions>>(),
            sp.GetService<IExternalScopeProvider>()))));

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName)
    {
        var logger = _inner.CreateLogger(categoryName);
        return categoryName.StartsWith(KestrelCategory, StringComparison.Ordinal) ? new WarningsOnly(logger) : logger;
    }

    /// <inheritdoc />
    public void AddProvider(ILoggerProvider provider) => _inner.AddProvider(provider);

    /// <inheritdoc />
    public void Dispose() => _inner.Dispose();

    private sealed class WarningsOnly(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning && inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Warning)
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
            }
        }
    }
}
