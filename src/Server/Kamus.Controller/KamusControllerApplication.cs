using OpenTelemetry.Resources;
using OpenTelemetry.Metrics;
using k8s;
using k8s.Exceptions;
using Kamus.Controller.Configuration;
using Kamus.Controller.Diagnostics;
using Kamus.Controller.Events;
using Kamus.Controller.Informers;
using Kamus.Controller.Leadership;
using Kamus.Controller.Reconciliation;
using Kamus.KeyManagement;
using Kamus.KeyManagement.Ciphertexts;
using Kamus.KeyManagement.Offline;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Kamus.Controller;

/// <summary>Builds the KamusSecret controller, for <c>Program.cs</c> and for in-process hosting by tests.</summary>
internal static partial class KamusControllerApplication
{
    /// <summary>
    /// Builds the controller from <paramref name="args"/> and the usual configuration sources. <paramref name="configure"/>
    /// runs before the settings are read, so it can add configuration or replace services (for example <see cref="TimeProvider"/>).
    /// </summary>
    /// <exception cref="KamusSettingsException">The configuration is unusable (no master key, no way to reach the API).</exception>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        configure?.Invoke(builder);

        var configuration = builder.Configuration;
        var keyOptions = configuration.GetSection(KeyManagementOptions.SectionName).Get<KeyManagementOptions>() ?? new KeyManagementOptions();
        var kubernetes = configuration.GetSection(ControllerKubernetesOptions.SectionName).Get<ControllerKubernetesOptions>() ?? new ControllerKubernetesOptions();
        var controller = configuration.GetSection(ControllerOptions.SectionName).Get<ControllerOptions>() ?? new ControllerOptions();
        Validate(controller);
        var clientConfiguration = ClientConfiguration(kubernetes);
        var leaseNamespace = LeaseNamespace(controller.LeaderElection, configuration, kubernetes);

        // The controller never encrypts: it decrypts what the server made, with the same keys (and, like the server, the
        // insecure development key only when Kamus:Development:Enabled=true).
        var loaded = LoadedKeys.Load(keyOptions, developmentMode: configuration.GetValue<bool>("Kamus:Development:Enabled"), configuration);
        var keys = loaded.Keys;
        var services = builder.Services;
        services.Configure<ControllerOptions>(configuration.GetSection(ControllerOptions.SectionName));
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient();
        // With the offline key ring, when configured: offline values (k2h.) in a KamusSecret open with the server's offline keys.
        loaded.Register(services);
        services.AddSingleton(sp => new CiphertextService(keys.Provider, keys.Upstream, CiphertextWriteFormat.V2, keys.Cloud, sp.GetService<OfflineKeyRing>()));
        services.TryAddSingleton<IKubernetes>(_ => new Kubernetes(clientConfiguration));
        services.AddSingleton(ControllerIdentity.Create(controller.LeaderElection.Identity));
        services.AddSingleton(new LeaseLocation(leaseNamespace));
        services.AddSingleton<KamusSecretCache>();
        services.AddSingleton<KamusControllerTelemetry>();
        services.AddSingleton<KamusSecretInformer>();
        services.AddSingleton<KamusSecretDecryptor>();
        services.AddSingleton<EventRecorder>();
        services.AddSingleton<KamusSecretReconciler>();
        services.AddSingleton<ControllerLoop>();
        services.AddSingleton<ControllerService>();
        services.AddHostedService(sp => sp.GetRequiredService<ControllerService>());
        // GET /metrics in Prometheus text format, as the server serves it (docs/operations.md); Kamus:Metrics:Enabled=false turns it off.
        var metricsEnabled = configuration.GetValue("Kamus:Metrics:Enabled", true);
        if (metricsEnabled)
        {
            services.AddOpenTelemetry().ConfigureResource(resource => resource.AddService("kamus-controller")).WithMetrics(metrics => metrics
                .AddMeter(Diagnostics.KamusControllerTelemetry.MeterName)
                .AddPrometheusExporter(exporter => exporter.ScrapeResponseCacheDurationMilliseconds = 0));
        }

        var app = loaded.Build(builder.Build);
        loaded.Attach(app.Services);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Kamus.Controller");
        if (keys.UsesDevelopmentKey)
        {
            KamusControllerLog.DevelopmentKey(logger);
        }

        if (logger.IsEnabled(LogLevel.Information))
        {
            var api = kubernetes.ProxyUrl?.ToString() ?? "in-cluster configuration";
            var keyIds = string.Join(",", keys.KeyIds);
            KamusControllerLog.Starting(logger, api, keyIds, controller.SetOwnerReference);
        }
        if (metricsEnabled)
        {
            app.UseOpenTelemetryPrometheusScrapingEndpoint("/metrics");
        }

        app.MapGet("/healthz", () => "ok");
        return app;
    }

    // Checked before anything starts, so a bad setting is one line naming it rather than a host failure.
    private static void Validate(ControllerOptions options)
    {
        var failures = new List<string>();
        if (new ControllerOptionsValidator().Validate(null, options) is { Failed: true } result)
        {
            // "Member: The field ControllerOptions.A.B must be ..." becomes "Controller:A:B must be ...".
            failures.AddRange(result.Failures.Select(f => FieldPattern().Replace(f[(f.IndexOf(": ", StringComparison.Ordinal) + 2)..], m => "Controller:" + m.Groups[1].Value.Replace('.', ':'))));
        }

        var election = options.LeaderElection;
        if (!(election.RetryPeriod < election.RenewDeadline && election.RenewDeadline < election.LeaseDuration))
        {
            failures.Add("Controller:LeaderElection needs RetryPeriod < RenewDeadline < LeaseDuration.");
        }

        if (options.RetryInitialDelay > options.RetryMaxDelay || options.WatchInitialBackoff > options.WatchMaxBackoff)
        {
            failures.Add("Controller:RetryInitialDelay and Controller:WatchInitialBackoff must not exceed RetryMaxDelay and WatchMaxBackoff.");
        }

        if (failures.Count > 0)
        {
            throw new KamusSettingsException(string.Join(" ", failures));
        }
    }

    private static KubernetesClientConfiguration ClientConfiguration(ControllerKubernetesOptions kubernetes)
    {
        KubernetesClientConfiguration configuration;
        if (kubernetes.ProxyUrl is { } proxy)
        {
            if (!proxy.IsAbsoluteUri || proxy.Scheme is not ("http" or "https"))
            {
                throw new KamusSettingsException("Kubernetes:ProxyUrl must be an absolute http(s) URL, as kubectl proxy serves (for example http://127.0.0.1:8001).");
            }

            configuration = new KubernetesClientConfiguration { Host = proxy.ToString() };
        }
        else
        {
            try
            {
                configuration = KubernetesClientConfiguration.InClusterConfig();
            }
            catch (KubeConfigException e)
            {
                throw new KamusSettingsException("Not running in a pod (" + e.Message + "): set Kubernetes:ProxyUrl to the API's URL (for example kubectl proxy's http://127.0.0.1:8001).", e);
            }
        }

        // The client's request timeout (100 s) does not apply to watches: the API server ends those (WatchTimeoutSeconds).
        return configuration;
    }

    private static string? LeaseNamespace(LeaderElectionOptions election, ConfigurationManager configuration, ControllerKubernetesOptions kubernetes)
    {
        if (!election.Enabled)
        {
            return null;
        }

        if (!string.IsNullOrEmpty(election.Namespace))
        {
            return election.Namespace;
        }

        if (configuration["POD_NAMESPACE"] is { Length: > 0 } podNamespace)
        {
            return podNamespace;
        }

        const string InClusterNamespace = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";
        return kubernetes.ProxyUrl is null && File.Exists(InClusterNamespace) ? File.ReadAllText(InClusterNamespace).Trim() : null;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"The field ControllerOptions\.([A-Za-z.]+)")]
    private static partial System.Text.RegularExpressions.Regex FieldPattern();
}
