using OpenTelemetry.Resources;
using Kamus.Server.Diagnostics;
using OpenTelemetry.Metrics;

namespace Kamus.Server.Metrics;

/// <summary>
/// <c>GET /metrics</c> in Prometheus text format, through OpenTelemetry's Prometheus exporter: the server's instruments
/// are <see cref="System.Diagnostics.Metrics.Meter"/>s already, and OpenTelemetry turns them into Prometheus names
/// (dots to underscores, <c>_total</c> on counters, the unit as <c>_seconds</c>) without a second metrics API.
/// </summary>
internal static class MetricsEndpoint
{
    /// <summary>The scrape path.</summary>
    public const string Path = "/metrics";

    /// <summary>The meter of the KamusSecret controller, exposed too when it runs in this process.</summary>
    public const string ControllerMeterName = "Kamus.Controller";

    /// <summary>Registers the exporter, and the extra port when <see cref="MetricsOptions.Port"/> is set.</summary>
    public static void AddServices(WebApplicationBuilder builder, MetricsOptions options)
    {
        if (!options.Enabled)
        {
            return;
        }

        // A named service: target_info says kamus-server rather than unknown_service:Kamus.Server.
        builder.Services.AddOpenTelemetry().ConfigureResource(resource => resource.AddService("kamus-server")).WithMetrics(metrics => metrics
            .AddMeter(KamusServerTelemetry.MeterName, ControllerMeterName)
            // Each scrape sees the counters as they are: a cached answer would hide the latest requests.
            .AddPrometheusExporter(exporter => exporter.ScrapeResponseCacheDurationMilliseconds = 0));

        if (options.Port is { } port)
        {
            builder.WebHost.UseUrls([.. ApiUrls(builder.Configuration), MetricsUrl(ApiUrls(builder.Configuration)[0], port)]);
        }
    }

    /// <summary>Serves the scrape endpoint; on a separate port, that port answers nothing else and the API port no scrapes.</summary>
    public static void Use(WebApplication app, MetricsOptions options)
    {
        if (!options.Enabled)
        {
            return;
        }

        if (options.Port is not { } port)
        {
            app.UseOpenTelemetryPrometheusScrapingEndpoint(Path);
            return;
        }

        app.UseOpenTelemetryPrometheusScrapingEndpoint(context => context.Connection.LocalPort == port && context.Request.Path == Path);
        app.Use((context, next) =>
        {
            if (context.Connection.LocalPort != port)
            {
                return next(context);
            }

            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });
    }

    // The API keeps the addresses it would have had (--urls, ASPNETCORE_URLS, or ASPNETCORE_HTTP_PORTS in containers).
    private static string[] ApiUrls(ConfigurationManager configuration)
    {
        if (configuration[WebHostDefaults.ServerUrlsKey] is { Length: > 0 } urls)
        {
            return urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }

        if (configuration[WebHostDefaults.HttpPortsKey] is { Length: > 0 } ports)
        {
            return [.. ports.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => $"http://+:{p}")];
        }

        return ["http://localhost:5000"];
    }

    // The metrics port listens on the same interface as the API (so a loopback-only API keeps loopback-only metrics).
    private static string MetricsUrl(string apiUrl, int port) =>
        $"http://{BindingAddress.Parse(apiUrl).Host}:{port}";
}
