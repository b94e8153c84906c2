using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Kamus.Testing.Kms;

/// <summary>What the KMS stand-ins share: a quiet Kestrel app on 127.0.0.1 and a free port, and the way they hang.</summary>
internal static class LoopbackStandInHost
{
    /// <summary>Starts an app whose routes <paramref name="map"/> adds; its URL is <c>app.Urls.First()</c>.</summary>
    public static async Task<WebApplication> StartAsync(Action<WebApplication> map, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        map(app);
        await app.StartAsync(cancellationToken);
        return app;
    }

    /// <summary>Answers nothing until the caller aborts (or the stand-in stops): a KMS that accepted the connection and never answers.</summary>
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
