using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Kamus.Testing;

/// <summary>
/// What the loopback stand-ins share: a quiet Kestrel app on 127.0.0.1 and a free port, its base URL, stopping it (so
/// the service becomes unreachable) and the way they hang.
/// </summary>
internal sealed class LoopbackStandInHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private bool _stopped;

    private LoopbackStandInHost(WebApplication app)
    {
        _app = app;
        Urls = [.. app.Urls.Select(u => new Uri(u + "/"))];
        Url = Urls[0];
    }

    /// <summary>The base URL, <c>http://127.0.0.1:port/</c> (the first listener's).</summary>
    public Uri Url { get; }

    /// <summary>Every listener's base URL, when <c>configure</c> added more than one.</summary>
    public IReadOnlyList<Uri> Urls { get; }

    /// <summary>
    /// Starts an app whose routes <paramref name="map"/> adds, on plain http unless <paramref name="configure"/> sets
    /// other listeners (for example HTTPS).
    /// </summary>
    public static async Task<LoopbackStandInHost> StartAsync(Action<WebApplication> map, CancellationToken cancellationToken, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (configure is null)
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
        }
        else
        {
            configure(builder);
        }

        var app = builder.Build();
        map(app);
        await app.StartAsync(cancellationToken);
        return new LoopbackStandInHost(app);
    }

    /// <summary>Stops listening: from now on the service is unreachable (connection refused). Idempotent.</summary>
    public async Task StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            await _app.StopAsync();
        }
    }

    /// <summary>Stops and disposes the app.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>Answers nothing until the caller aborts (or the stand-in stops): a service that accepted the connection and never answers.</summary>
    public static async Task HangAsync(HttpContext context)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            // The caller gave up, as it should.
        }
    }
}
