using Kamus.Testing;
using Kamus.Testing.Faults;
using Microsoft.Extensions.Time.Testing;

namespace Kamus.Client.Tests.Server;

/// <summary>
/// Faults injected by a loopback proxy in front of the real server. No timing assertions: outcomes and counts only.
/// Retry delays, <c>Retry-After</c> and timeouts run on a <see cref="FakeTimeProvider"/> (<see cref="DriveAsync"/>), so
/// no test waits them out on the wall clock.
/// </summary>
public sealed class ResilienceTests : IAsyncLifetime, IDisposable
{
    private const string Decrypt = "/api/v2/decrypt";

    /// <summary>How far the fake clock moves per step: below every delay and timeout the tests set.</summary>
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(25);

    private readonly ServerTestContext _server = new();
    private readonly FakeTimeProvider _time = new();
    private readonly InFlightHandler _inFlight = new();
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

    public void Dispose() => _inFlight.Dispose();

    [Fact]
    public async Task A_burst_of_503s_is_followed_by_success()
    {
        _proxy.Enqueue(Decrypt, Fault.WithStatus(503), Fault.WithStatus(503), Fault.WithStatus(503));
        using var client = Client();

        Assert.Equal(_vector.Plaintext, await DriveAsync(client.DecryptAsync(_vector.Ciphertext)));
        Assert.Equal(4, _proxy.RequestCount(Decrypt));
    }

    [Fact]
    public async Task A_429_with_retry_after_is_waited_out()
    {
        _proxy.Enqueue(Decrypt, Fault.WithStatus(429, retryAfter: 1));
        using var client = Client();

        Assert.Equal(_vector.Plaintext, await DriveAsync(client.DecryptAsync(_vector.Ciphertext)));
        Assert.Equal(2, _proxy.RequestCount(Decrypt));
    }

    [Fact]
    public async Task Reset_connections_and_truncated_bodies_are_retried()
    {
        _proxy.Enqueue(Decrypt, Fault.Reset, Fault.Truncate);
        using var client = Client();

        Assert.Equal(_vector.Plaintext, await DriveAsync(client.DecryptAsync(_vector.Ciphertext)));
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

        var outcome = (await DriveAsync(client.DecryptManyAsync([_vector.Ciphertext])))[0];

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

        var error = await Assert.ThrowsAsync<KamusException>(() => DriveAsync(client.EncryptAsync("x", "api", "team-a")));

        Assert.Equal(kind, error.Kind);
        Assert.Equal(status, (int?)error.Status);
        Assert.Equal(1, _proxy.RequestCount("/api/v1/encrypt"));
    }

    [Fact]
    public async Task A_slow_attempt_times_out_and_is_retried()
    {
        _proxy.Enqueue(Decrypt, Fault.Slow(TimeSpan.FromSeconds(30)));
        using var client = Client(o => o.AttemptTimeout = TimeSpan.FromSeconds(5));

        Assert.Equal(_vector.Plaintext, await DriveAsync(client.DecryptAsync(_vector.Ciphertext)));
        Assert.Equal(2, _proxy.RequestCount(Decrypt));
    }

    [Fact]
    public async Task The_total_deadline_ends_the_call_with_timeout()
    {
        _proxy.Rule = (path, _) => path == Decrypt ? Fault.Slow(TimeSpan.FromSeconds(30)) : null;
        using var client = Client(o =>
        {
            o.AttemptTimeout = TimeSpan.FromSeconds(3);
            o.TotalTimeout = TimeSpan.FromSeconds(10);
            o.MaxRetryAttempts = 100;
        });

        var outcome = (await DriveAsync(client.DecryptManyAsync([_vector.Ciphertext])))[0];

        Assert.Equal(KamusErrorKind.Timeout, outcome.ErrorKind);
    }

    [Fact]
    public async Task Per_attempt_timeouts_on_every_attempt_end_with_timeout()
    {
        _proxy.Rule = (path, _) => path == Decrypt ? Fault.Slow(TimeSpan.FromSeconds(30)) : null;
        using var client = Client(o =>
        {
            o.AttemptTimeout = TimeSpan.FromSeconds(2);
            o.MaxRetryAttempts = 1;
        });

        var error = await Assert.ThrowsAsync<KamusException>(() => DriveAsync(client.DecryptAsync(_vector.Ciphertext)));

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
            Assert.Equal(KamusErrorKind.Unavailable, (await DriveAsync(client.DecryptManyAsync([_vector.Ciphertext])))[0].ErrorKind);
        }

        var before = _proxy.RequestCount(Decrypt);
        var outcome = (await DriveAsync(client.DecryptManyAsync([_vector.Ciphertext])))[0];

        Assert.Equal(KamusErrorKind.Unavailable, outcome.ErrorKind);
        Assert.Equal(before, _proxy.RequestCount(Decrypt));
    }

    private KamusClient Client(Action<KamusClientOptions>? configure = null)
    {
        var options = ServerTestContext.Options(_proxy.Url);
        options.TimeProvider = _time;
        configure?.Invoke(options);
        return new KamusClient(new HttpClient(_inFlight, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan }, options);
    }

    /// <summary>
    /// Awaits <paramref name="call"/>, moving the fake clock only while the client waits on it: between attempts (a retry
    /// delay or <c>Retry-After</c>), or on an attempt the proxy holds (so that the attempt timeout fires). While an
    /// attempt is on its way the clock stands still, so no attempt times out that the test did not hold.
    /// </summary>
    private async Task<T> DriveAsync<T>(Task<T> call)
    {
        for (var i = 0; i < 20_000 && !call.IsCompleted; i++)
        {
            if (_inFlight.Count == 0 || _proxy.Held > 0)
            {
                _time.Advance(Step);
            }

            await Task.Delay(1);
        }

        Assert.True(call.IsCompleted, "The call did not finish while the fake clock was driven.");
        return await call;
    }

    /// <summary>Counts the client's HTTP attempts in flight (sent and not yet answered with headers).</summary>
    private sealed class InFlightHandler() : DelegatingHandler(new SocketsHttpHandler())
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _count);
            try
            {
                return await base.SendAsync(request, cancellationToken);
            }
            finally
            {
                Interlocked.Decrement(ref _count);
            }
        }
    }
}
