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
/// The Polly v8 pipeline around every HTTP attempt, outermost first: total deadline, retry (exponential backoff with
/// jitter, honouring <c>Retry-After</c>), optional circuit breaker, per-attempt timeout.
/// </summary>
internal static class KamusResiliencePipeline
{
    public static ResiliencePipeline<KamusResponse> Create(KamusClientOptions options, ILogger logger)
    {
        var builder = new ResiliencePipelineBuilder<KamusResponse> { TimeProvider = options.TimeProvider };
        builder.AddTimeout(options.TotalTimeout);
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

    private static TimeSpan? RetryAfter(Outcome<KamusResponse> outcome, TimeSpan max) =>
        outcome.Result?.RetryAfter is { } retryAfter ? (retryAfter < max ? retryAfter : max) : null;

    private static string Describe(Outcome<KamusResponse> outcome, string url, TimeSpan attemptTimeout) => outcome.Exception switch
    {
        null => $"HTTP {(int)outcome.Result!.Status}",
        var e => Uri.TryCreate(url, UriKind.Absolute, out var uri) ? ConnectionFailure.Describe(e, uri, attemptTimeout) : e.GetType().Name,
    };
}
