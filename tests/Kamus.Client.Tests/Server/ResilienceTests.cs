using Kamus.Testing.Faults;
using Kamus.Testing;

namespace Kamus.Client.Tests.Server;

/// <summary>Faults injected by a loopback proxy in front of the real server. No timing assertions: outcomes and counts only.</summary>
public sealed class ResilienceTests : IAsyncLifetime
{
    private const string Decrypt = "/api/v2/decrypt";
    private readonly ServerTestContext _server = new();
    private FaultProxy _proxy = null!;
    private CompatVectors.Vector _vector = null!;

    public async Task InitializeAsync()
    {
        await _server.InitializeAsync();
        _proxy = await FaultProxy.StartAsync(_server.Host.Url);
        _vector = CompatVectors.All.First(v => v.Namespace == "team-a" && !v.IsEnvelope);
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task A_burst_of_503s_is_followed_by_success()
    {
        _proxy.Enqueue(Decrypt, Fault.WithStatus(503), Fault.WithStatus(503), Fault.WithStatus(503));
        using var client = Client();

        Assert.Equal(_vector.Plaintext, await client.DecryptAsync(_vector.Ciphertext));
        Assert.Equal(4, _proxy.RequestCount(Decrypt));
    }

    [Fact]
    public async Task A_429_with_retry_after_is_waited_out()
    {
        _proxy.Enqueue(Decrypt, Fault.WithStatus(429, retryAfter: 1));
        using var client = Client();

        Assert.Equal(_vector.Plaintext, await client.DecryptAsync(_vector.Ciphertext));
        Assert.Equal(2, _proxy.RequestCount(Decrypt));
    }

    [Fact]
    public async Task Reset_connections_and_truncated_bodies_are_retried()
    {
        _proxy.Enqueue(Decrypt, Fault.Reset, Fault.Truncate);
        using var client = Client();

        Assert.Equal(_vector.Plaintext, await client.DecryptAsync(_vector.Ciphertext));
        Assert.Equal(3, _proxy.RequestCount(Decrypt));
    }

    [Theory]
    [InlineData(503, KamusErrorKind.Unavailable)]
    [InlineData(500, KamusErrorKind.Unavailable)]
    [InlineData(429, KamusErrorKind.RateLimited)]
    public async Task Retries_are_bounded(int status, KamusErrorKind kind)
    {
        _proxy.Rule = (path, _) => path == Decrypt ? Fault.WithStatus(status) : null;
        using var client = Client(o => o.MaxRetryAttempts = 2);

        var outcome = (await client.DecryptManyAsync([_vector.Ciphertext]))[0];

        Assert.Equal(kind, outcome.ErrorKind);
        Assert.Equal(3, _proxy.RequestCount(Decrypt));
    }

    [Theory]
    [InlineData(400, KamusErrorKind.InvalidRequest)]
    [InlineData(403, KamusErrorKind.Forbidden)]
    [InlineData(413, KamusErrorKind.PayloadTooLarge)]
    public async Task Client_errors_are_never_retried(int status, KamusErrorKind kind)
    {
        _proxy.Enqueue("/api/v1/encrypt", Fault.WithStatus(status));
        using var client = Client();

        var error = await Assert.ThrowsAsync<KamusException>(() => client.EncryptAsync("x", "api", "team-a"));

        Assert.Equal(kind, error.Kind);
        Assert.Equal(status, (int?)error.Status);
        Assert.Equal(1, _proxy.RequestCount("/api/v1/encrypt"));
    }

    [Fact]
    public async Task A_slow_attempt_times_out_and_is_retried()
    {
        // The retry is the first call through Polly (a first attempt runs without it), so it pays Polly's and the
        // server's first-call costs: a margin for a loaded machine, and the server warmed by one call first.
        using var client = Client(o => o.AttemptTimeout = TimeSpan.FromSeconds(2));
        Assert.Equal(_vector.Plaintext, await client.DecryptAsync(_vector.Ciphertext));
        _proxy.Enqueue(Decrypt, Fault.Slow(TimeSpan.FromSeconds(30)));

        Assert.Equal(_vector.Plaintext, await client.DecryptAsync(_vector.Ciphertext));
        Assert.Equal(3, _proxy.RequestCount(Decrypt));
    }

    [Fact]
    public async Task The_total_deadline_ends_the_call_with_timeout()
    {
        _proxy.Rule = (path, _) => path == Decrypt ? Fault.Slow(TimeSpan.FromSeconds(30)) : null;
        using var client = Client(o =>
        {
            o.AttemptTimeout = TimeSpan.FromMilliseconds(300);
            o.TotalTimeout = TimeSpan.FromSeconds(1);
            o.MaxRetryAttempts = 100;
        });

        var outcome = (await client.DecryptManyAsync([_vector.Ciphertext]))[0];

        Assert.Equal(KamusErrorKind.Timeout, outcome.ErrorKind);
    }

    [Fact]
    public async Task Per_attempt_timeouts_on_every_attempt_end_with_timeout()
    {
        _proxy.Rule = (path, _) => path == Decrypt ? Fault.Slow(TimeSpan.FromSeconds(30)) : null;
        using var client = Client(o =>
        {
            o.AttemptTimeout = TimeSpan.FromMilliseconds(200);
            o.MaxRetryAttempts = 1;
        });

        var error = await Assert.ThrowsAsync<KamusException>(() => client.DecryptAsync(_vector.Ciphertext));

        Assert.Equal(KamusErrorKind.Timeout, error.Kind);
        Assert.Equal(2, _proxy.RequestCount(Decrypt));
    }

    [Fact]
    public async Task The_circuit_breaker_fails_fast_after_repeated_failures()
    {
        _proxy.Rule = (path, _) => path == Decrypt ? Fault.WithStatus(503) : null;
        using var client = Client(o =>
        {
            o.EnableCircuitBreaker = true;
            o.MaxRetryAttempts = 0;
        });

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(KamusErrorKind.Unavailable, (await client.DecryptManyAsync([_vector.Ciphertext]))[0].ErrorKind);
        }

        var before = _proxy.RequestCount(Decrypt);
        var outcome = (await client.DecryptManyAsync([_vector.Ciphertext]))[0];

        Assert.Equal(KamusErrorKind.Unavailable, outcome.ErrorKind);
        Assert.Equal(before, _proxy.RequestCount(Decrypt));
    }

    private KamusClient Client(Action<KamusClientOptions>? configure = null)
    {
        var options = ServerTestContext.Options(_proxy.Url);
        configure?.Invoke(options);
        return new KamusClient(options);
    }
}
