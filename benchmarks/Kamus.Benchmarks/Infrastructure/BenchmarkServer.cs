using Kamus.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Kamus.Benchmarks.Infrastructure;

/// <summary>
/// The real Kamus.Server in-process on 127.0.0.1 (through the shared test fixture), reviewing tokens with the Kubernetes
/// API stand-in on loopback. Logging is production-like: Information level, the audit line of every request formatted
/// (by <see cref="DiscardingLoggerProvider"/>, so its cost is measured) but not written anywhere.
/// </summary>
internal static class BenchmarkServer
{
    /// <summary>The service account every benchmark decrypts as.</summary>
    public const string Namespace = "bench";

    /// <summary>The service account every benchmark decrypts as.</summary>
    public const string ServiceAccount = "app";

    /// <summary>The token of <see cref="Namespace"/>:<see cref="ServiceAccount"/>, registered with the stand-in.</summary>
    public const string Token = "bench-token-0";

    /// <summary>Starts a server (with a stand-in of its own that knows <see cref="Token"/>).</summary>
    /// <param name="settings">Extra server settings (for example <c>Kamus:ReviewCache:Enabled=false</c>).</param>
    /// <param name="withoutV2">Answers 404 on <c>/api/v2/*</c>, as an upstream Kamus server does (see <see cref="UpstreamApiOnly"/>).</param>
    public static KamusServerHost Start(IReadOnlyDictionary<string, string?>? settings = null, bool withoutV2 = false)
    {
        var host = KamusServerHost.StartAsync(options =>
        {
            foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            {
                options.Settings[key] = value;
            }

            options.ConfigureBuilder = builder =>
            {
                // Replace the fixture's in-memory Debug-level log collector, which would grow with every request.
                builder.Logging.ClearProviders();
                builder.Logging.SetMinimumLevel(LogLevel.Information);
                builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
                builder.Logging.AddProvider(new DiscardingLoggerProvider());
                if (withoutV2)
                {
                    builder.Services.AddSingleton<IStartupFilter, UpstreamApiOnly>();
                }
            };
        }).GetAwaiter().GetResult();
        host.StandIn.AddToken(Token, Namespace, ServiceAccount);
        return host;
    }

    /// <summary>
    /// Emulates an upstream Kamus server (which has no <c>/api/v2</c>): <c>/api/v2/*</c> answers 404 before routing, so
    /// the client discovers it the way it would against upstream and falls back to one <c>/api/v1/decrypt</c> per value.
    /// Benchmark-only: the production server has no such switch.
    /// </summary>
    private sealed class UpstreamApiOnly : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (context.Request.Path.StartsWithSegments("/api/v2", StringComparison.OrdinalIgnoreCase))
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    return Task.CompletedTask;
                }

                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
