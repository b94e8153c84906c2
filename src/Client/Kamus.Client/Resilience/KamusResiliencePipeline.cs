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
    // A ResiliencePipeline<KamusResponse>, typed object so that loading this class does not load Polly's assembly.
    private object? _retries;

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
    /// Runs <paramref name="attempt"/> until it succeeds, fails for good or the deadline passes, and returns the last
    /// answer or throws the last failure: a passed deadline or attempt timeout as a <see cref="TimeoutRejectedException"/>,
    /// the caller's cancellation as an <see cref="OperationCanceledException"/>.
    /// </summary>
    /// <param name="attempt">One attempt: an answer of any status, or an exception. Its token carries the attempt timeout.</param>
    /// <param name="state">The attempt's state.</param>
    /// <param name="operationKey">Names the operation in the retry log lines.</param>
    /// <param name="cancellationToken">The caller's cancellation.</param>
    public async Task<KamusResponse> ExecuteAsync<TState>(Func<TState, CancellationToken, Task<KamusResponse>> attempt, TState state, string operationKey, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(_options.TotalTimeout, _options.TimeProvider);
        using var operation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        if (_retries is not null)
        {
            return await RetryAsync(attempt, state, operationKey, null, null, deadline, cancellationToken, operation.Token).ConfigureAwait(false);
        }

        // The first attempt under the attempt timeout (Polly's timeout strategy, without Polly): a cancellation caused
        // by that timeout alone is the attempt's TimeoutRejectedException, which is transient. Nothing here touches a
        // Polly type (the assembly is not even loaded) unless the attempt needs a retry.
        KamusResponse? answer = null;
        Exception? failure = null;
        using (var timeout = new CancellationTokenSource(_options.AttemptTimeout, _options.TimeProvider))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(operation.Token, timeout.Token))
        {
            try
            {
                answer = await attempt(state, linked.Token).ConfigureAwait(false);
                if (_options.MaxRetryAttempts == 0 || !IsTransient(answer.Status))
                {
                    return answer;
                }
            }
            catch (OperationCanceledException e) when (timeout.IsCancellationRequested && !operation.IsCancellationRequested)
            {
                failure = TimedOut(_options.AttemptTimeout, e);
                if (_options.MaxRetryAttempts == 0)
                {
                    throw failure;
                }
            }
            catch (OperationCanceledException e) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw TimedOut(_options.TotalTimeout, e);
            }
            catch (Exception e) when (_options.MaxRetryAttempts > 0 && e is not OperationCanceledException && IsTransient(e))
            {
                failure = e;
            }
        }

        return await RetryAsync(attempt, state, operationKey, answer, failure, deadline, cancellationToken, operation.Token).ConfigureAwait(false);
    }

    // Retries (and every attempt when a circuit breaker counts them): Polly, built on first need, with the first attempt's
    // answer or failure (when there was one) replayed as Polly's own first attempt.
    private async Task<KamusResponse> RetryAsync<TState>(Func<TState, CancellationToken, Task<KamusResponse>> attempt, TState state, string operationKey, KamusResponse? firstAnswer, Exception? firstFailure, CancellationTokenSource deadline, CancellationToken cancellationToken, CancellationToken operation)
    {
        var replay = new Replay<TState>(attempt, state)
        {
            First = firstFailure is not null ? Outcome.FromException<KamusResponse>(firstFailure) : firstAnswer is not null ? Outcome.FromResult(firstAnswer) : null,
        };
        var retries = (ResiliencePipeline<KamusResponse>)(Volatile.Read(ref _retries) ?? Interlocked.CompareExchange(ref _retries, Build(_options, _logger), null) ?? _retries!);
        var context = ResilienceContextPool.Shared.Get(operationKey, operation);
        Outcome<KamusResponse> outcome;
        try
        {
            outcome = await retries.ExecuteOutcomeAsync(static (ctx, r) => r.NextAsync(ctx.CancellationToken), context, replay).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }

        if (outcome.Exception is OperationCanceledException canceled && deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw TimedOut(_options.TotalTimeout, canceled);
        }

        outcome.ThrowIfException();
        return outcome.Result!;
    }

    /// <summary>Whether a failure is worth another attempt (see the outcome overload).</summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        HttpRequestException e => e.InnerException is not AuthenticationException,
        TimeoutRejectedException or IOException => true,
        _ => false,
    };

    /// <summary>Network errors, attempt timeouts, 408, 429 and 5xx. Never TLS failures (fail closed, fast), 4xx otherwise, or an open circuit.</summary>
    public static bool IsTransient(Outcome<KamusResponse> outcome) =>
        outcome.Exception is { } exception ? IsTransient(exception) : outcome.Result is { } response && IsTransient(response.Status);

    /// <summary>A passed deadline or attempt timeout.</summary>
    public static bool IsTimeout(Exception exception) => exception is TimeoutRejectedException;

    /// <summary>A call not attempted because the circuit breaker is open.</summary>
    public static bool IsOpenCircuit(Exception exception) => exception is BrokenCircuitException;

    public static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

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
                    // The operation key is the request URL (KamusTransport): a long wait shows why, and where, as it goes.
                    var url = args.Context.OperationKey ?? "?";
                    KamusClientLog.Retrying(logger, url, Describe(args.Outcome, url, options.AttemptTimeout), args.AttemptNumber + 1, options.MaxRetryAttempts, (long)args.RetryDelay.TotalMilliseconds);
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

    private static string Describe(Outcome<KamusResponse> outcome, string url, TimeSpan attemptTimeout) => outcome.Exception switch
    {
        null => $"HTTP {(int)outcome.Result!.Status}",
        var e => Uri.TryCreate(url, UriKind.Absolute, out var uri) ? ConnectionFailure.Describe(e, uri, attemptTimeout) : e.GetType().Name,
    };

    // The operation as Polly sees it: its first attempt may already have been made (outside Polly), and is replayed;
    // the others run the attempt, with exceptions as outcomes, as Polly's strategies expect.
    private sealed class Replay<TState>(Func<TState, CancellationToken, Task<KamusResponse>> attempt, TState state)
    {
        public Outcome<KamusResponse>? First { get; set; }

        public async ValueTask<Outcome<KamusResponse>> NextAsync(CancellationToken cancellationToken)
        {
            if (First is { } first)
            {
                First = null;
                return first;
            }

            try
            {
                return Outcome.FromResult(await attempt(state, cancellationToken).ConfigureAwait(false));
            }
            catch (Exception e)
            {
                return Outcome.FromException<KamusResponse>(e);
            }
        }
    }
}
