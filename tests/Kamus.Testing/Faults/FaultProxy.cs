using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Kamus.Testing.Faults;

/// <summary>
/// A loopback HTTP proxy in front of a real server that injects scripted faults: statuses (with <c>Retry-After</c>),
/// delays, reset connections and truncated bodies. Faults come from a queue (one per request, in order, optionally only
/// for a path) and from <see cref="Rule"/>, which sees every request's path and body (for stand-ins such as an upstream
/// server without <c>/api/v2</c>, or an AWS-KMS decryptor that refuses bare wrapped keys).
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _upstream;
    private readonly ConcurrentQueue<(string? Path, Fault Fault)> _script = new();
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);
    private readonly Lock _scriptGate = new();
    private int _held;

    private FaultProxy(WebApplication app, Uri upstream)
    {
        _app = app;
        Upstream = upstream;
        _upstream = new HttpClient { BaseAddress = upstream, Timeout = TimeSpan.FromMinutes(2) };
    }

    /// <summary>The proxy's own URL (http://127.0.0.1:port/).</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>Where requests are forwarded.</summary>
    public Uri Upstream { get; }

    /// <summary>A fault for each request from its path and body, or <see langword="null"/> to use the script (then forward).</summary>
    public Func<string, string, Fault?>? Rule { get; set; }

    /// <summary>Starts a proxy to <paramref name="upstream"/> on 127.0.0.1, on a free port.</summary>
    public static async Task<FaultProxy> StartAsync(Uri upstream)
    {
        ArgumentNullException.ThrowIfNull(upstream);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var proxy = new FaultProxy(app, upstream);
        app.Run(proxy.HandleAsync);
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        proxy.Url = new Uri(address.EndsWith('/') ? address : address + "/");
        return proxy;
    }

    /// <summary>Queues faults for the next requests (to <paramref name="path"/> only, when given).</summary>
    public void Enqueue(string? path, params Fault[] faults)
    {
        foreach (var fault in faults)
        {
            _script.Enqueue((path, fault));
        }
    }

    /// <summary>Queues faults for the next requests to any path.</summary>
    public void Enqueue(params Fault[] faults) => Enqueue(null, faults);

    /// <summary>How many requests reached the proxy for <paramref name="path"/> (faulted or not).</summary>
    public int RequestCount(string path) => _counts.TryGetValue(path, out var count) ? count : 0;

    /// <summary>
    /// How many requests a delay fault (<see cref="Fault.Slow"/>) is holding right now: a test on a fake clock moves
    /// it while the client waits on such a request, so that the client's attempt timeout fires.
    /// </summary>
    public int Held => Volatile.Read(ref _held);

    /// <summary>How many queued faults are still waiting.</summary>
    public int PendingFaults => _script.Count;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _upstream.Dispose();
    }

    private Fault NextFault(string path, string body)
    {
        if (Rule?.Invoke(path, body) is { } ruled)
        {
            return ruled;
        }

        lock (_scriptGate)
        {
            // Take the first queued fault for this path (or for any path), keeping the others in order.
            var items = _script.ToArray();
            for (var i = 0; i < items.Length; i++)
            {
                if (items[i].Path is null || string.Equals(items[i].Path, path, StringComparison.Ordinal))
                {
                    _script.Clear();
                    for (var j = 0; j < items.Length; j++)
                    {
                        if (j != i)
                        {
                            _script.Enqueue(items[j]);
                        }
                    }

                    return items[i].Fault;
                }
            }
        }

        return Fault.None;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        _counts.AddOrUpdate(path, 1, (_, n) => n + 1);
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
        var fault = NextFault(path, body);

        if (fault.Delay is { } delay)
        {
            Interlocked.Increment(ref _held);
            try
            {
                await Task.Delay(delay, context.RequestAborted).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            finally
            {
                Interlocked.Decrement(ref _held);
            }
        }

        if (fault.ResetConnection)
        {
            context.Abort();
            return;
        }

        if (fault.Status is { } status)
        {
            context.Response.StatusCode = status;
            if (fault.RetryAfter is { } seconds)
            {
                context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            context.Response.ContentType = fault.ContentType;
            await context.Response.WriteAsync(fault.Body ?? $"fault {status}", context.RequestAborted).ConfigureAwait(false);
            return;
        }

        await ForwardAsync(context, path, body, fault.TruncateBody).ConfigureAwait(false);
    }

    private async Task ForwardAsync(HttpContext context, string path, string body, bool truncate)
    {
        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), path.TrimStart('/') + context.Request.QueryString);
        if (HttpMethods.IsPost(context.Request.Method) || HttpMethods.IsPut(context.Request.Method))
        {
            request.Content = new StringContent(body);
            if (context.Request.ContentType is { } contentType)
            {
                request.Content.Headers.Remove("Content-Type");
                request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }
        }

        if (context.Request.Headers.Authorization.Count > 0)
        {
            request.Headers.TryAddWithoutValidation("Authorization", context.Request.Headers.Authorization.ToString());
        }

        using var response = await _upstream.SendAsync(request, context.RequestAborted).ConfigureAwait(false);
        var bytes = await response.Content.ReadAsByteArrayAsync(context.RequestAborted).ConfigureAwait(false);
        context.Response.StatusCode = (int)response.StatusCode;
        if (response.Content.Headers.ContentType is { } type)
        {
            context.Response.ContentType = type.ToString();
        }

        context.Response.ContentLength = bytes.Length;
        if (truncate)
        {
            await context.Response.Body.WriteAsync(bytes.AsMemory(0, bytes.Length / 2), context.RequestAborted).ConfigureAwait(false);
            await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
            context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            context.Abort();
            return;
        }

        await context.Response.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
    }
}
