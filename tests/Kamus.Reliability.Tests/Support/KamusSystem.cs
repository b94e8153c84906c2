using System.Net;
using System.Net.Sockets;
using Kamus.Client;
using Kamus.Client.Tokens;
using Kamus.Testing;
using Microsoft.Extensions.Logging;

namespace Kamus.Reliability.Tests.Support;

/// <summary>The real Kamus.Server on loopback with its Kubernetes API stand-in, and helpers to talk to it.</summary>
public sealed class KamusSystem : IAsyncDisposable
{
    private KamusSystem(KamusServerHost host) => Host = host;

    public KamusServerHost Host { get; }

    public KubernetesApiStandIn StandIn => Host.StandIn;

    public Uri Url => Host.Url;

    public static async Task<KamusSystem> StartAsync(Action<KamusServerHostOptions>? configure = null) =>
        new(await KamusServerHost.StartAsync(configure));

    /// <summary>Starts servers that share one Kubernetes API stand-in (owned by the first system).</summary>
    public sealed class Shared(KubernetesApiStandIn standIn)
    {
        public async Task<KamusSystem> StartAsync(Action<KamusServerHostOptions>? configure = null) =>
            new(await KamusServerHost.StartAsync(standIn, configure));
    }

    /// <summary>Registers a fresh token for <paramref name="namespace"/>:<paramref name="serviceAccount"/> and returns it.</summary>
    public string TokenFor(string @namespace, string serviceAccount, IEnumerable<string>? audiences = null)
    {
        var token = $"tok-{@namespace}-{serviceAccount}-{Guid.NewGuid():N}";
        StandIn.AddToken(token, @namespace, serviceAccount, audiences);
        return token;
    }

    /// <summary>Client options for a loaded machine: short backoff, generous timeouts.</summary>
    public static KamusClientOptions ClientOptions(Uri url, string token, ILoggerFactory? loggerFactory = null) => new()
    {
        Url = url,
        TokenSource = new StaticTokenSource(token),
        RetryBaseDelay = TimeSpan.FromMilliseconds(20),
        MaxRetryDelay = TimeSpan.FromSeconds(1),
        AttemptTimeout = TimeSpan.FromSeconds(20),
        TotalTimeout = TimeSpan.FromSeconds(60),
        LoggerFactory = loggerFactory,
    };

    public KamusClient Client(string token, Action<KamusClientOptions>? configure = null)
    {
        var options = ClientOptions(Url, token);
        configure?.Invoke(options);
        return new KamusClient(options);
    }

    /// <summary>A loopback port that nothing listens on (for a server that is down).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Starts the server on a given loopback port (the server that was down comes up).</summary>
    public static async Task<KamusSystem> StartOnPortAsync(int port, Action<KamusServerHostOptions>? configure = null) =>
        await StartAsync(o =>
        {
            o.Settings["urls"] = $"http://127.0.0.1:{port}";
            configure?.Invoke(o);
        });

    public ValueTask DisposeAsync() => Host.DisposeAsync();
}
