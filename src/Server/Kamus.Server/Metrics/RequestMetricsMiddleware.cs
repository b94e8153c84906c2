using Kamus.Server.Diagnostics;
using System.Diagnostics;

namespace Kamus.Server.Metrics;

/// <summary>
/// Counts and times every answered request, outermost so that refusals from later middleware (rate limiting, the error
/// shield's 500s) count too. The endpoint tag is the matched route pattern, never the raw path, so it stays bounded.
/// </summary>
internal sealed class RequestMetricsMiddleware(RequestDelegate next, KamusServerTelemetry metrics)
{
    private const string Unmatched = "unmatched";

    /// <summary>Runs the rest of the pipeline and records its answer.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? Unmatched;
            if (!route.StartsWith(MetricsEndpoint.Path, StringComparison.Ordinal))
            {
                metrics.Request(route, context.Response.StatusCode, Stopwatch.GetElapsedTime(started));
            }
        }
    }
}
