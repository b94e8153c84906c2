using System.Net;
using Kamus.Client.Resilience;
using Kamus.Client.Transport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Polly.Timeout;

namespace Kamus.Client.Tests.Resilience;

/// <summary>
/// The pipeline itself, with attempts answered by a script (the seam is the attempt callback; the HTTP side is covered
/// against the real server in Server/ResilienceTests). What matters here: a first attempt that needs no retry never
/// builds Polly (the cold-start cut), and one that does is handed to Polly as its first outcome, not made twice.
/// </summary>
public sealed class KamusResiliencePipelineTests
{
    private static readonly Uri Url = new("http://127.0.0.1:1/");

    [Theory]
    [InlineData(HttpStatusCode.OK)]
    [InlineData(HttpStatusCode.Forbidden)]
    [InlineData(HttpStatusCode.BadRequest)]
    public async Task A_first_answer_that_needs_no_retry_is_returned_without_building_Polly(HttpStatusCode status)
    {
        var pipeline = KamusResiliencePipeline.Create(Options(), NullLogger.Instance);
        var attempts = new Attempts(status);

        var response = await RunAsync(pipeline, attempts);

        Assert.Equal(status, response.Status);
        Assert.Equal(1, attempts.Count);
        Assert.False(pipeline.IsPollyPipelineBuilt);
    }

    [Fact]
    public async Task A_transient_first_answer_is_Pollys_first_attempt_not_an_extra_one()
    {
        var pipeline = KamusResiliencePipeline.Create(Options(o => o.MaxRetryAttempts = 2), NullLogger.Instance);
        var attempts = new Attempts(HttpStatusCode.ServiceUnavailable, HttpStatusCode.ServiceUnavailable, HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK);

        var response = await RunAsync(pipeline, attempts);

        // One attempt and two retries: the third 503 is the answer, and the OK behind it is never asked for.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.Status);
        Assert.Equal(3, attempts.Count);
        Assert.True(pipeline.IsPollyPipelineBuilt);
    }

    [Fact]
    public async Task A_transient_first_answer_is_retried_until_success()
    {
        var pipeline = KamusResiliencePipeline.Create(Options(), NullLogger.Instance);
        var attempts = new Attempts(HttpStatusCode.TooManyRequests, HttpStatusCode.OK);

        var response = await RunAsync(pipeline, attempts);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(2, attempts.Count);
    }

    [Fact]
    public async Task Without_retries_a_transient_answer_is_returned_as_is()
    {
        var pipeline = KamusResiliencePipeline.Create(Options(o => o.MaxRetryAttempts = 0), NullLogger.Instance);
        var attempts = new Attempts(HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK);

        var response = await RunAsync(pipeline, attempts);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.Status);
        Assert.Equal(1, attempts.Count);
        Assert.False(pipeline.IsPollyPipelineBuilt);
    }

    [Fact]
    public async Task A_first_attempt_past_the_attempt_timeout_is_a_transient_timeout()
    {
        var time = new FakeTimeProvider();
        var pipeline = KamusResiliencePipeline.Create(Options(o => { o.TimeProvider = time; o.MaxRetryAttempts = 0; }), NullLogger.Instance);
        var attempts = new Attempts(hang: true);

        var running = RunAsync(pipeline, attempts);
        time.Advance(TimeSpan.FromSeconds(5));

        var timeout = await Assert.ThrowsAsync<TimeoutRejectedException>(() => running);
        Assert.Equal(TimeSpan.FromSeconds(5), timeout.Timeout);
        Assert.True(KamusResiliencePipeline.IsTransient(timeout));
        Assert.False(pipeline.IsPollyPipelineBuilt);
    }

    [Fact]
    public async Task The_total_deadline_spans_the_first_attempt_and_the_retries()
    {
        var pipeline = KamusResiliencePipeline.Create(
            Options(o =>
            {
                o.AttemptTimeout = TimeSpan.FromMilliseconds(100);
                o.TotalTimeout = TimeSpan.FromMilliseconds(400);
                o.RetryBaseDelay = TimeSpan.FromMilliseconds(10);
                o.MaxRetryAttempts = 100;
            }),
            NullLogger.Instance);
        var attempts = new Attempts(hang: true);

        // The total deadline's timeout, not an attempt's: the retries stopped when it passed.
        var timeout = await Assert.ThrowsAsync<TimeoutRejectedException>(() => RunAsync(pipeline, attempts));
        Assert.Equal(TimeSpan.FromMilliseconds(400), timeout.Timeout);
        Assert.InRange(attempts.Count, 1, 99);
    }

    [Fact]
    public async Task The_callers_cancellation_is_not_a_timeout()
    {
        var pipeline = KamusResiliencePipeline.Create(Options(), NullLogger.Instance);
        var attempts = new Attempts(hang: true);
        using var cancel = new CancellationTokenSource();

        var running = RunAsync(pipeline, attempts, cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        Assert.Equal(1, attempts.Count);
    }

    private static Task<KamusResponse> RunAsync(KamusResiliencePipeline pipeline, Attempts attempts, CancellationToken cancellationToken = default) =>
        pipeline.ExecuteAsync(static (a, ct) => a.NextAsync(ct), attempts, "/api/v2/decrypt", cancellationToken);

    private static KamusClientOptions Options(Action<KamusClientOptions>? configure = null)
    {
        var options = new KamusClientOptions { Url = Url, RetryBaseDelay = TimeSpan.FromMilliseconds(1), MaxRetryDelay = TimeSpan.FromMilliseconds(5) };
        configure?.Invoke(options);
        options.Validate();
        return options;
    }

    // Answers each attempt with the next scripted status, or waits until the attempt is cancelled (and throws, as
    // KamusTransport's attempt does).
    private sealed class Attempts(params HttpStatusCode[] answers)
    {
        private readonly bool _hang;

        public Attempts(bool hang)
            : this()
        {
            _hang = hang;
        }

        public int Count { get; private set; }

        public async Task<KamusResponse> NextAsync(CancellationToken cancellationToken)
        {
            Count++;
            if (_hang)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            return new KamusResponse(answers[Count - 1], "", null, null);
        }
    }
}
