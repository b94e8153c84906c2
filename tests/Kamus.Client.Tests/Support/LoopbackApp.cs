using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Kamus.Client.Tests.Support;

/// <summary>A tiny Kestrel app on 127.0.0.1 (port 0), optionally HTTPS with a given certificate.</summary>
public sealed class LoopbackApp : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;

    private LoopbackApp(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = null!;

    public int Requests => Volatile.Read(ref _requests);

    public static async Task<LoopbackApp> StartAsync(RequestDelegate handler, X509Certificate2? certificate = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (certificate is not null)
            {
                // Through the handshake callback: Kestrel's UseHttps(certificate) refuses a certificate without the
                // serverAuth usage, which the tests of the client's own check need to serve (a misissued server).
                listen.UseHttps(new TlsHandshakeCallbackOptions
                {
                    OnConnection = _ => ValueTask.FromResult(new System.Net.Security.SslServerAuthenticationOptions { ServerCertificate = certificate }),
                });
            }
        }));
        var app = builder.Build();
        var loopback = new LoopbackApp(app);
        app.Run(context =>
        {
            Interlocked.Increment(ref loopback._requests);
            return handler(context);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        loopback.Url = new Uri(address.EndsWith('/') ? address : address + "/");
        return loopback;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
