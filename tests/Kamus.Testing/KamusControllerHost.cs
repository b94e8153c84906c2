using Kamus.Controller;
using Kamus.Controller.Diagnostics;
using Kamus.Controller.Leadership;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Kamus.Testing;

/// <summary>
/// The real KamusSecret controller (<see cref="KamusControllerApplication.Build"/>, the host <c>Program.cs</c> runs)
/// on 127.0.0.1 and a free port, reconciling against a <see cref="KubernetesApiStandIn"/>. Captures every log record
/// and the <c>Kamus.Controller</c> metrics.
/// </summary>
public sealed class KamusControllerHost : IAsyncDisposable
{
    /// <summary>The namespace the controller runs in (<c>POD_NAMESPACE</c>): where its Lease lives.</summary>
    public const string PodNamespace = "kamus";

    private readonly WebApplication _app;
    private bool _stopped;

    private KamusControllerHost(WebApplication app, FakeLogCollector logs)
    {
        _app = app;
        Logs = logs;
        Url = new Uri(app.Urls.First() + "/");
        var meters = app.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        Reconciles = new MetricCollector<long>(meters, KamusControllerTelemetry.MeterName, "kamus.controller.reconciles");
        WatchRestarts = new MetricCollector<long>(meters, KamusControllerTelemetry.MeterName, "kamus.controller.watch.restarts");
        KamusSecrets = new MetricCollector<long>(meters, KamusControllerTelemetry.MeterName, "kamus.controller.kamussecrets");
    }

    /// <summary>The controller's base URL (<c>/healthz</c>).</summary>
    public Uri Url { get; }

    /// <summary>The controller's services.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Every log record the controller wrote.</summary>
    public FakeLogCollector Logs { get; }

    /// <summary><c>kamus.controller.reconciles</c>, by <c>result</c>.</summary>
    public MetricCollector<long> Reconciles { get; }

    /// <summary><c>kamus.controller.watch.restarts</c>, by <c>reason</c>.</summary>
    public MetricCollector<long> WatchRestarts { get; }

    /// <summary><c>kamus.controller.kamussecrets</c> (observable: call <c>RecordObservableInstruments</c> first), by <c>ready</c>.</summary>
    public MetricCollector<long> KamusSecrets { get; }

    /// <summary>Whether this replica holds the Lease and reconciles.</summary>
    public bool IsLeading => _app.Services.GetRequiredService<ControllerService>().IsLeading;

    /// <summary>
    /// Starts the controller against <paramref name="standIn"/> with the compat-vector master key (the key
    /// <see cref="KamusServerHost"/> uses), <c>POD_NAMESPACE</c> <see cref="PodNamespace"/>, and short backoffs and
    /// lease timings so tests stay fast. <paramref name="configure"/> overrides any of it.
    /// </summary>
    public static async Task<KamusControllerHost> StartAsync(KubernetesApiStandIn standIn, Action<KamusControllerHostOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(standIn);
        var options = new KamusControllerHostOptions();
        var settings = options.Settings;
        settings["KeyManagement:Provider"] = "AESKey";
        settings["KeyManagement:AES:Key"] = KamusServerHost.CompatMasterKey;
        settings["KeyManagement:AES:UseKeyDeriviation"] = "true";
        settings["Kubernetes:ProxyUrl"] = standIn.Url.ToString();
        settings["POD_NAMESPACE"] = PodNamespace;
        settings["Controller:WatchInitialBackoff"] = "00:00:00.020";
        settings["Controller:WatchMaxBackoff"] = "00:00:00.200";
        settings["Controller:RetryInitialDelay"] = "00:00:00.020";
        settings["Controller:RetryMaxDelay"] = "00:00:00.500";
        settings["Controller:LeaderElection:LeaseDuration"] = "00:00:02";
        settings["Controller:LeaderElection:RenewDeadline"] = "00:00:01.500";
        settings["Controller:LeaderElection:RetryPeriod"] = "00:00:00.100";
        settings["Logging:LogLevel:Default"] = "Trace";
        configure?.Invoke(options);

        var logs = new FakeLogCollector();
        var app = KamusControllerApplication.Build(["--urls", "http://127.0.0.1:0"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(options.Settings);
            builder.Logging.ClearProviders();
            builder.Logging.SetMinimumLevel(LogLevel.Trace);
            builder.Logging.AddProvider(new FakeLoggerProvider(logs));
            if (options.TimeProvider is not null)
            {
                builder.Services.AddSingleton(options.TimeProvider);
            }

            options.ConfigureBuilder?.Invoke(builder);
        });
        await app.StartAsync(cancellationToken);
        return new KamusControllerHost(app, logs);
    }

    /// <summary>An <see cref="HttpClient"/> whose base address is <see cref="Url"/>.</summary>
    public HttpClient CreateHttpClient() => new() { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Stops the controller (a leader releases its Lease).</summary>
    public async Task StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            await _app.StopAsync();
        }
    }

    /// <summary>Stops and disposes the controller.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Reconciles.Dispose();
        WatchRestarts.Dispose();
        KamusSecrets.Dispose();
        await _app.DisposeAsync();
    }
}
