using System.Net;
using System.Net.Sockets;
using Kamus.Client.Tests.Support;
using Kamus.Client.Tokens;
using Kamus.Client.Transport;
using Kamus.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Testing;

namespace Kamus.Client.Tests.Transport;

/// <summary>
/// A request that gets no answer says where (the URL) and why (refused, DNS, TLS, timeout), and each retry is logged
/// while the caller waits. Real sockets on 127.0.0.1; DNS, which needs a resolver, through the exception shape
/// SocketsHttpHandler produces.
/// </summary>
public sealed class ConnectionFailureTests
{
    [Fact]
    public async Task Connection_refused_names_the_url_and_says_nothing_listens_and_each_retry_is_logged()
    {
        var port = LoopbackPort.Unused();
        var logs = new FakeLogCollector();
        using var client = Client(new Uri($"http://127.0.0.1:{port}/"), o =>
        {
            o.MaxRetryAttempts = 1;
            o.LoggerFactory = logs.CreateLoggerFactory();
        });

        var error = await Assert.ThrowsAsync<KamusException>(() => client.EncryptAsync("plain-secret", "api", "team-a"));

        Assert.Equal(KamusErrorKind.Unavailable, error.Kind);
        Assert.Contains($"Cannot reach the Kamus server at http://127.0.0.1:{port}/api/v1/encrypt", error.Message, StringComparison.Ordinal);
        Assert.Contains($"connection refused by 127.0.0.1:{port} (is the server running, and on this port?)", error.Message, StringComparison.Ordinal);
        Assert.Contains("after 2 attempts", error.Message, StringComparison.Ordinal);
        var retry = Assert.Single(logs.Lines(), line => line.StartsWith("Warning", StringComparison.Ordinal) && line.Contains("Retry 1 of 1", StringComparison.Ordinal));
        Assert.Contains($"http://127.0.0.1:{port}/api/v1/encrypt", retry, StringComparison.Ordinal);
        Assert.Contains("connection refused", retry, StringComparison.Ordinal);
        Assert.DoesNotContain("plain-secret", logs.AllText() + error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_never_answers_ends_in_a_timeout_naming_the_url_and_the_last_cause()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start(); // accepts connections (the kernel does) and never answers
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        using var client = Client(new Uri($"http://127.0.0.1:{port}/"), o =>
        {
            o.AttemptTimeout = TimeSpan.FromMilliseconds(200);
            o.TotalTimeout = TimeSpan.FromMilliseconds(500);
            o.MaxRetryAttempts = 10;
        });

        var error = await Assert.ThrowsAsync<KamusException>(() => client.DecryptAsync("k2.k1.AAAA"));

        Assert.Equal(KamusErrorKind.Timeout, error.Kind);
        Assert.Contains($"The Kamus server at http://127.0.0.1:{port}/api/v2/decrypt did not answer within 00:00:00.5000000 (TotalTimeout)", error.Message, StringComparison.Ordinal);
        Assert.Contains("last: no answer within 00:00:00.2000000 (AttemptTimeout)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deadline_reached_while_the_server_answers_429_names_that_answer_not_a_silent_server()
    {
        // A rate-limited client waits out Retry-After; when the total deadline ends that wait, the error must say the
        // server answered 429 (slow down, or raise the limit), not that it "did not answer" (look for a network fault).
        await using var server = await LoopbackApp.StartAsync(context =>
        {
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            context.Response.Headers.RetryAfter = "60";
            return Task.CompletedTask;
        });
        using var client = Client(server.Url, o =>
        {
            o.MaxRetryAttempts = 3;
            o.MaxRetryDelay = TimeSpan.FromMinutes(1);
            o.AttemptTimeout = TimeSpan.FromSeconds(1);
            o.TotalTimeout = TimeSpan.FromSeconds(2);
        });

        var error = await Assert.ThrowsAsync<KamusException>(() => client.EncryptAsync("plain-secret", "api", "team-a"));

        Assert.Equal(KamusErrorKind.RateLimited, error.Kind);
        Assert.Equal(System.Net.HttpStatusCode.TooManyRequests, error.Status);
        Assert.Contains($"The Kamus server at {server.Url}api/v1/encrypt gave no usable answer within 00:00:02 (TotalTimeout)", error.Message, StringComparison.Ordinal);
        Assert.Contains("last answer: HTTP 429 (TooManyRequests), Retry-After 00:01:00", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("plain-secret", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_untrusted_certificate_names_the_url_and_says_how_to_trust_a_private_ca()
    {
        using var certificate = TestCertificates.CreateSelfSignedLoopback();
        await using var server = await LoopbackApp.StartAsync(context => context.Response.WriteAsync("k2.k1.AAAA"), certificate);
        using var client = Client(new Uri($"https://127.0.0.1:{server.Url.Port}/"), _ => { });

        var error = await Assert.ThrowsAsync<KamusException>(() => client.EncryptAsync("x", "api", "team-a"));

        Assert.Equal(KamusErrorKind.Configuration, error.Kind);
        Assert.Contains($"https://127.0.0.1:{server.Url.Port}/api/v1/encrypt", error.Message, StringComparison.Ordinal);
        Assert.Contains("TLS handshake", error.Message, StringComparison.Ordinal);
        Assert.Contains("CaBundlePath", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_url_that_does_not_serve_the_api_names_the_url_and_the_path_prefix()
    {
        await using var server = await LoopbackApp.StartAsync(context =>
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });
        using var client = Client(new Uri(server.Url, "kamus/"), _ => { });

        var error = await Assert.ThrowsAsync<KamusException>(() => client.EncryptAsync("x", "api", "team-a"));

        Assert.Equal(KamusErrorKind.Configuration, error.Kind);
        Assert.Equal(HttpStatusCode.NotFound, error.Status);
        Assert.Contains($"POST {server.Url}kamus/api/v1/encrypt failed with HTTP 404", error.Message, StringComparison.Ordinal);
        Assert.Contains("path prefix", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_host_name_that_does_not_resolve_is_reported_as_dns()
    {
        // What SocketsHttpHandler throws when the resolver finds no such host.
        var failure = new HttpRequestException(HttpRequestError.NameResolutionError, "Name or service not known (kamus-decryptor.kamus.svc:443)", new SocketException((int)SocketError.HostNotFound));

        var text = ConnectionFailure.Describe(failure, new Uri("https://kamus-decryptor.kamus.svc/"), TimeSpan.FromSeconds(5));

        Assert.StartsWith("DNS: the host name kamus-decryptor.kamus.svc was not found", text, StringComparison.Ordinal);
        Assert.Contains("resolves only inside the cluster", text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_url_shown_never_carries_a_query_or_credentials()
    {
        var url = ConnectionFailure.DisplayUrl(new Uri("https://user:pass@kamus.example:8443/prefix/?q=1"), "/api/v1/decrypt");

        Assert.Equal("https://kamus.example:8443/prefix/api/v1/decrypt", url);
    }

    private static KamusClient Client(Uri url, Action<KamusClientOptions> configure)
    {
        var options = new KamusClientOptions
        {
            Url = url,
            TokenSource = new StaticTokenSource("t"),
            MaxRetryAttempts = 0,
            RetryBaseDelay = TimeSpan.FromMilliseconds(10),
        };
        configure(options);
        return new KamusClient(options);
    }
}
