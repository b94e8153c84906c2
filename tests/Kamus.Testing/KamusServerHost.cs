using System.Collections.Concurrent;
using Kamus.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Kamus.Testing;

/// <summary>
/// The real Kamus.Server (<see cref="KamusServerApplication.Build"/>) on 127.0.0.1 and a free port, reviewing tokens
/// with a <see cref="KubernetesApiStandIn"/>. Counts requests per path and captures every log record.
/// </summary>
public sealed class KamusServerHost : IAsyncDisposable
{
    /// <summary>The master key of the upstream compatibility vectors (tests/TestData/kamus-v1-vectors.json). Public test data.</summary>
    public const string CompatMasterKey = "s21jeLuxt1UDGkMen2WzvQeNEYOaokZwZK3WkKqg5Z8=";

    private readonly WebApplication _app;
    private readonly RequestCounter _counter;
    private readonly bool _ownsStandIn;

    private KamusServerHost(WebApplication app, KubernetesApiStandIn standIn, bool ownsStandIn, RequestCounter counter, FakeLogCollector logs)
    {
        _app = app;
        StandIn = standIn;
        _ownsStandIn = ownsStandIn;
        _counter = counter;
        Logs = logs;
        Url = new Uri(app.Urls.First() + "/");
    }

    /// <summary>The server's base URL, <c>http://127.0.0.1:port/</c>.</summary>
    public Uri Url { get; }

    /// <summary>The Kubernetes API stand-in the server reviews tokens with.</summary>
    public KubernetesApiStandIn StandIn { get; }

    /// <summary>The server's services.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Every log record the server wrote (the audit log is category <c>Kamus.Server.Audit</c>).</summary>
    public FakeLogCollector Logs { get; }

    /// <summary>Starts a stand-in of its own (disposed with the host) and the server.</summary>
    public static Task<KamusServerHost> StartAsync(Action<KamusServerHostOptions>? configure = null, CancellationToken cancellationToken = default) =>
        StartAsync(null, configure, cancellationToken);

    /// <summary>Starts the server against <paramref name="standIn"/> (or a stand-in of its own when <see langword="null"/>).</summary>
    public static async Task<KamusServerHost> StartAsync(KubernetesApiStandIn? standIn, Action<KamusServerHostOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        var ownsStandIn = standIn is null;
        standIn ??= await KubernetesApiStandIn.StartAsync(cancellationToken);
        try
        {
            var options = new KamusServerHostOptions();
            options.Settings["KeyManagement:Provider"] = "AESKey";
            options.Settings["KeyManagement:AES:Key"] = CompatMasterKey;
            options.Settings["KeyManagement:AES:UseKeyDeriviation"] = "true";
            options.Settings["Kubernetes:ProxyUrl"] = standIn.Url.ToString();

            // Every test client calls from 127.0.0.1, at volumes (fuzz, load, thousands of tokens) no real client sends:
            // the per-client rate limits are off unless a test sets them (the rate-limit tests do).
            options.Settings["Kamus:RateLimits:TokenReviewsPerMinute"] = "0";
            options.Settings["Kamus:RateLimits:EncryptRequestsPerMinute"] = "0";

            // The server's appsettings.json filters logs for production; tests that scan logs for leaks must see
            // every record the server's own categories write.
            options.Settings["Logging:LogLevel:Default"] = "Trace";
            configure?.Invoke(options);

            var counter = new RequestCounter();
            var logs = new FakeLogCollector();
            var app = KamusServerApplication.Build(["--urls", "http://127.0.0.1:0"], builder =>
            {
                builder.Configuration.AddInMemoryCollection(options.Settings);
                builder.Logging.ClearProviders();
                builder.Logging.SetMinimumLevel(LogLevel.Trace);
                builder.Logging.AddProvider(new FakeLoggerProvider(logs));
                builder.Services.AddSingleton<IStartupFilter>(counter);
                if (options.TimeProvider is not null)
                {
                    builder.Services.AddSingleton(options.TimeProvider);
                }

                options.ConfigureBuilder?.Invoke(builder);
            });
            await app.StartAsync(cancellationToken);
            return new KamusServerHost(app, standIn, ownsStandIn, counter, logs);
        }
        catch
        {
            if (ownsStandIn)
            {
                await standIn.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>How many requests reached <paramref name="path"/> (for example <c>/api/v1/decrypt</c>) since the last reset.</summary>
    public int RequestCount(string path) => _counter.Count(path);

    /// <summary>Resets the request counts and the stand-in's review count.</summary>
    public void ResetCounts()
    {
        _counter.Reset();
        StandIn.ResetCounts();
    }

    /// <summary>An <see cref="HttpClient"/> whose base address is <see cref="Url"/>.</summary>
    public HttpClient CreateHttpClient() => new() { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>The formatted messages of the audit log.</summary>
    public IReadOnlyList<string> AuditLines() =>
        [.. Logs.GetSnapshot().Where(r => r.Category == "Kamus.Server.Audit").Select(r => r.Message)];

    /// <summary>Stops the server (and the stand-in it owns).</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (_ownsStandIn)
        {
            await StandIn.DisposeAsync();
        }
    }

    private sealed class RequestCounter : IStartupFilter
    {
        private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.OrdinalIgnoreCase);

        public int Count(string path) => _counts.TryGetValue(path, out var count) ? count : 0;

        public void Reset() => _counts.Clear();

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                _counts.AddOrUpdate(context.Request.Path.Value ?? "/", 1, (_, count) => count + 1);
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
