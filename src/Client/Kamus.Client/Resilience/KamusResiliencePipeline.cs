using System.Net;
using System.Security.Authentication;
using Kamus.Client.Diagnostics;
using Kamus.Client.Transport;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Kamus.Client.Resilience;

/// <summary>
/// The resilience around every HTTP attempt, outermost first: total deadline, retry (exponential backoff with jitter,
/// honouring <c>Retry-After</c>), optional circuit breaker, per-attempt timeout.
/// </summary>
/// <remarks>
/// Cheap at startup: an operation's first attempt runs under the two timeouts only, and the Polly pipeline (whose
/// construction validates its options by reflection, DataAnnotations and TypeConverters, and whose execution path is
/// hundreds of methods to JIT) is built on the first transient failure, which it then handles as its own first
/// attempt's outcome: the retries, their delays, <c>Retry-After</c> and the log lines are Polly's, as before. With a
/// circuit breaker every attempt goes through Polly, so that the breaker sees them all; it is then built at once.
/// The total deadline is a token of its own spanning both, so a first attempt does not restart it.
/// </remarks>
internal sealed class KamusResiliencePipeline
{
    private readonly KamusClientOptions _options;
    private readonly ILogger _logger;
    private ResiliencePipeline<KamusResponse>? _retries;

    private KamusResiliencePipeline(KamusClientOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        if (options.EnableCircuitBreaker)
        {
            _retries = Build(options, logger);
        }
    }

    public static KamusResiliencePipeline Create(KamusClientOptions options, ILogger logger) => new(options, logger);

    /// <summary>Whether the Polly pipeline has been built (for tests: a first attempt that succeeds never builds it).</summary>
    internal bool IsPollyPipelineBuilt => Volatile.Read(ref _retries) is not null;

    /// <summary>
    /// Runs <paramref name="callback"/> until it succeeds, fails for good or the deadline passes. The callback reads its
    /// cancellation token from the <see cref="ResilienceContext"/> it is given (attempt timeout included).
    /// </summary>
    /// <returns>The last attempt's outcome; a passed deadline or attempt timeout as a <see cref="TimeoutRejectedException"/>.</returns>
    public async ValueTask<Outcome<KamusResponse>> ExecuteOutcomeAsync<TState>(Func<ResilienceContext, TState, ValueTask<Outcome<KamusResponse>>> callback, ResilienceContext context, TState state)
    {
        var cancellationToken = context.CancellationToken;
        using var deadline = new CancellationTokenSource(_options.TotalTimeout, _options.TimeProvider);
        using var operation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var replay = new Replay<TState>(callback, state);
        Outcome<KamusResponse> outcome;
        if (_retries is null)
        {
            outcome = await AttemptAsync(replay, context.OperationKey, operation.Token).ConfigureAwait(false);
            if (_options.MaxRetryAttempts == 0 || !IsTransient(outcome))
            {
                return Deadline(outcome, deadline, cancellationToken);
            }

            replay.First = outcome;
        }

        var retries = Volatile.Read(ref _retries) ?? Interlocked.CompareExchange(ref _retries, Build(_options, _logger), null) ?? _retries!;
        var retryContext = ResilienceContextPool.Shared.Get(context.OperationKey, operation.Token);
        try
        {
            outcome = await retries.ExecuteOutcomeAsync(static (ctx, r) => r.NextAsync(ctx), retryContext, replay).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(retryContext);
        }

        return Deadline(outcome, deadline, cancellationToken);
    }

    /// <summary>Network errors, attempt timeouts, 408, 429 and 5xx. Never TLS failures (fail closed, fast), 4xx otherwise, or an open circuit.</summary>
    public static bool IsTransient(Outcome<KamusResponse> outcome) => outcome.Exception switch
    {
        HttpRequestException e => e.InnerException is not AuthenticationException,
        TimeoutRejectedException or IOException => true,
        null => outcome.Result is { } response && IsTransient(response.Status),
        _ => false,
    };

    public static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    // One attempt under the attempt timeout (Polly's timeout strategy, without Polly): a cancellation caused by it alone
    // is the attempt's TimeoutRejectedException, which is transient.
    private async ValueTask<Outcome<KamusResponse>> AttemptAsync<TState>(Replay<TState> replay, string? operationKey, CancellationToken operation)
    {
        using var timeout = new CancellationTokenSource(_options.AttemptTimeout, _options.TimeProvider);
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(operation, timeout.Token);
        var context = ResilienceContextPool.Shared.Get(operationKey, attempt.Token);
        Outcome<KamusResponse> outcome;
        try
        {
            outcome = await replay.Callback(context, replay.State).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            outcome = Outcome.FromException<KamusResponse>(e);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }

        return outcome.Exception is OperationCanceledException canceled && timeout.IsCancellationRequested && !operation.IsCancellationRequested
            ? Outcome.FromException<KamusResponse>(TimedOut(_options.AttemptTimeout, canceled))
            : outcome;
    }

    // The total deadline passed (and the caller did not cancel): a TimeoutRejectedException, as Polly's outer timeout gave.
    private Outcome<KamusResponse> Deadline(Outcome<KamusResponse> outcome, CancellationTokenSource deadline, CancellationToken cancellationToken) =>
        outcome.Exception is OperationCanceledException canceled && deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested
            ? Outcome.FromException<KamusResponse>(TimedOut(_options.TotalTimeout, canceled))
            : outcome;

    private static TimeoutRejectedException TimedOut(TimeSpan timeout, Exception cause) =>
        new($"The operation didn't complete within the allowed timeout of '{timeout}'.", timeout, cause);

    // Retry, optional circuit breaker, per-attempt timeout; the total deadline is the token the pipeline runs under.
    private static ResiliencePipeline<KamusResponse> Build(KamusClientOptions options, ILogger logger)
    {
        var builder = new ResiliencePipelineBuilder<KamusResponse> { TimeProvider = options.TimeProvider };
        if (options.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<KamusResponse>
            {
                MaxRetryAttempts = options.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = options.MaxRetryDelay,
                ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome)),
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome, options.MaxRetryDelay)),
                OnRetry = args =>
                {
                    Log.Retrying(logger, args.Context.OperationKey ?? "?", args.RetryDelay.TotalMilliseconds, args.AttemptNumber + 1, Describe(args.Outcome));
                    return ValueTask.CompletedTask;
                },
            });
        }

        if (options.EnableCircuitBreaker)
        {
            builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<KamusResponse>
            {
                FailureRatio = 0.5,
                MinimumThroughput = 5,
                SamplingDuration = TimeSpan.FromSeconds(30),
                BreakDuration = options.CircuitBreakDuration,
                ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome)),
            });
        }

        builder.AddTimeout(options.AttemptTimeout);
        return builder.Build();
    }

    private static TimeSpan? RetryAfter(Outcome<KamusResponse> outcome, TimeSpan max) =>
        outcome.Result?.RetryAfter is { } retryAfter ? (retryAfter < max ? retryAfter : max) : null;

    private static string Describe(Outcome<KamusResponse> outcome) => outcome.Exception switch
    {
        null => $"status {(int)outcome.Result!.Status}",
        TimeoutRejectedException => "attempt timed out",
        var e => e.GetType().Name,
    };

    // The operation as Polly sees it: its first attempt may already have been made (outside Polly), and is replayed.
    private sealed class Replay<TState>(Func<ResilienceContext, TState, ValueTask<Outcome<KamusResponse>>> callback, TState state)
    {
        public Func<ResilienceContext, TState, ValueTask<Outcome<KamusResponse>>> Callback { get; } = callback;

        public TState State { get; } = state;

        public Outcome<KamusResponse>? First { get; set; }

        public ValueTask<Outcome<KamusResponse>> NextAsync(ResilienceContext context)
        {
            if (First is { } first)
            {
                First = null;
                return ValueTask.FromResult(first);
            }

            return Callback(context, State);
        }
    }
}
