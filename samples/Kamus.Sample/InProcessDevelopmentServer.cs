using Kamus.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Kamus.Sample;

/// <summary>
/// This project's Kamus server, in-process, in development mode, on 127.0.0.1 and a free port: the well-known
/// (INSECURE) development key and a static token map (dev-tokens.json) instead of Kubernetes.
/// </summary>
internal sealed class InProcessDevelopmentServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private InProcessDevelopmentServer(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    public static async Task<InProcessDevelopmentServer> StartAsync()
    {
        var app = KamusServerApplication.Build([], builder =>
        {
            // The server must not read the sample's own appsettings.json or environment: it gets exactly these settings.
            builder.Configuration.Sources.Clear();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["urls"] = "http://127.0.0.1:0",
                ["Kamus:Development:Enabled"] = "true",
                ["Kamus:Development:TokensFile"] = Path.Combine(AppContext.BaseDirectory, "dev-tokens.json"),
            });

            // Its loud development-mode warnings are summed up in one line of the sample's output instead.
            builder.Logging.ClearProviders();
        });
        await app.StartAsync();
        return new InProcessDevelopmentServer(app, new Uri(app.Urls.First()));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
