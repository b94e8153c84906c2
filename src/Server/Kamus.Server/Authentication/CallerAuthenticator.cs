using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.RateLimiting;
using Kamus.Server.Configuration;
using Kamus.Server.Diagnostics;
using Kamus.Server.Endpoints;
using Kamus.Wire.Identity;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Kamus.Server.Authentication;

/// <summary>
/// The outcome of authenticating a decrypt caller: status 200 and an identity, or a status code and a short message.
/// A refused service account (the default one) still carries its identity, for the audit log.
/// </summary>
internal readonly record struct CallerAuthentication(ServiceAccountIdentity? Identity, int StatusCode, string? Message, string? RetryAfter = null)
{
    /// <summary>Whether the caller is an acceptable service account.</summary>
    public bool Succeeded => StatusCode == StatusCodes.Status200OK && Identity is not null;
}

/// <summary>
/// Authenticates a decrypt request: the bearer token is reviewed (through the review cache, which also remembers refused
/// tokens for a short while; concurrent requests with the same uncached token share one review), only service accounts
/// are accepted, and the default service account is refused. A token over <see cref="TokenOptions.MaxLength"/> is refused
/// unreviewed, and each client may cause at most <see cref="RateLimitOptions.TokenReviewsPerMinute"/> reviews.
/// Refusals are counted by reason.
/// </summary>
internal sealed class CallerAuthenticator : IDisposable
{
    private const string BearerPrefix = "Bearer ";

    private readonly ConcurrentDictionary<TokenDigest, Task<TokenReviewResult>> _inFlight = new();
    private readonly ITokenReviewer _reviewer;
    private readonly ReviewCache _cache;
    private readonly KamusServerTelemetry _metrics;
    private readonly int _maxTokenLength;
    private readonly bool _allowDefaultServiceAccount;
    private readonly PartitionedRateLimiter<HttpContext> _reviewLimiter;

    /// <summary>Creates the authenticator.</summary>
    public CallerAuthenticator(ITokenReviewer reviewer, ReviewCache cache, KamusServerTelemetry metrics, IOptions<KamusServerOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _reviewer = reviewer;
        _cache = cache;
        _metrics = metrics;
        _maxTokenLength = options.Value.Tokens.MaxLength;
        _allowDefaultServiceAccount = options.Value.Compatibility.AllowDefaultServiceAccountDecrypt;
        _reviewLimiter = ClientRateLimiter.Create(options.Value.RateLimits.TokenReviewsPerMinute);
    }

    /// <summary>Authenticates the request's bearer token; refusals are counted by reason.</summary>
    public async ValueTask<CallerAuthentication> AuthenticateAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var (caller, reason) = await AuthenticateCoreAsync(request, cancellationToken).ConfigureAwait(false);
        if (reason is not null)
        {
            _metrics.Refusal(reason);
        }

        return caller;
    }

    /// <summary>Releases the rate limiter.</summary>
    public void Dispose() => _reviewLimiter.Dispose();

    private async ValueTask<(CallerAuthentication Caller, string? RefusalReason)> AuthenticateCoreAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.Headers[HeaderNames.Authorization];
        string? value = header.Count == 1 ? header[0] : null;
        if (value is null || value.Length <= BearerPrefix.Length || !value.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return (new CallerAuthentication(null, StatusCodes.Status401Unauthorized, ErrorMessages.MissingToken), "missing_token");
        }

        var tokenSpan = value.AsSpan(BearerPrefix.Length).Trim();
        if (tokenSpan.IsEmpty)
        {
            return (new CallerAuthentication(null, StatusCodes.Status401Unauthorized, ErrorMessages.MissingToken), "missing_token");
        }

        if (tokenSpan.Length > _maxTokenLength)
        {
            // No TokenReview is worth a megabyte of header: refused before hashing or sending it anywhere.
            return (new CallerAuthentication(null, StatusCodes.Status401Unauthorized, ErrorMessages.InvalidToken), "token_too_long");
        }

        var digest = TokenDigest.Of(tokenSpan);
        var hit = _cache.TryGet(digest, out var cached);
        _metrics.CacheLookup(hit);
        if (hit)
        {
            return Accept(cached);
        }

        if (!_cache.TryGetRefusal(digest, out var review))
        {
            using var lease = _reviewLimiter.AttemptAcquire(request.HttpContext);
            if (!lease.IsAcquired)
            {
                return (new CallerAuthentication(null, StatusCodes.Status429TooManyRequests, ErrorMessages.TooManyRequests, ClientRateLimiter.RetryAfterSeconds(lease)), "rate_limited");
            }

            review = await ReviewOnceAsync(digest, tokenSpan.ToString()).WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        switch (review.Outcome)
        {
            case ReviewOutcome.Authenticated when review.Identity is { } identity:
                return Accept(identity);
            case ReviewOutcome.NotServiceAccount:
                return (new CallerAuthentication(null, StatusCodes.Status403Forbidden, ErrorMessages.Forbidden), "not_service_account");
            case ReviewOutcome.NotPodBound:
                return (new CallerAuthentication(null, StatusCodes.Status403Forbidden, ErrorMessages.NotPodBound), "not_pod_bound");
            case ReviewOutcome.Unavailable:
                return (new CallerAuthentication(null, StatusCodes.Status503ServiceUnavailable, ErrorMessages.KubernetesUnavailable), "token_review_unavailable");
            default:
                return (new CallerAuthentication(null, StatusCodes.Status401Unauthorized, ErrorMessages.InvalidToken), "invalid_token");
        }
    }

    private Task<TokenReviewResult> ReviewOnceAsync(TokenDigest digest, string token)
    {
        var mine = new TaskCompletionSource<TokenReviewResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var shared = _inFlight.GetOrAdd(digest, mine.Task);
        if (shared != mine.Task)
        {
            return shared;
        }

        _ = CompleteAsync(mine, digest, token);
        return mine.Task;
    }

    // Not tied to one caller's cancellation: other callers may be waiting on the same review. The reviewer bounds it.
    private async Task CompleteAsync(TaskCompletionSource<TokenReviewResult> completion, TokenDigest digest, string token)
    {
        try
        {
            var started = Stopwatch.GetTimestamp();
            TokenReviewResult review;
            try
            {
                review = await _reviewer.ReviewAsync(token, CancellationToken.None).ConfigureAwait(false);
            }
            catch
            {
                _metrics.Review("error", Stopwatch.GetElapsedTime(started));
                throw;
            }

            _metrics.Review(ReviewResultTag(review.Outcome), Stopwatch.GetElapsedTime(started));
            if (review is { Outcome: ReviewOutcome.Authenticated, Identity: { } identity })
            {
                _cache.Add(digest, identity, review.ExpiresAt ?? JwtPayload.ReadExpiry(token));
            }
            else
            {
                _cache.AddRefusal(digest, review);
            }

            completion.SetResult(review);
        }
        catch (Exception e)
        {
            completion.SetException(e);
        }
        finally
        {
            _inFlight.TryRemove(KeyValuePair.Create(digest, completion.Task));
        }
    }

    private (CallerAuthentication, string?) Accept(ServiceAccountIdentity identity) =>
        identity.IsDefaultServiceAccount && !_allowDefaultServiceAccount
            ? (new CallerAuthentication(identity, StatusCodes.Status403Forbidden, ErrorMessages.Forbidden), "default_service_account")
            : (new CallerAuthentication(identity, StatusCodes.Status200OK, null), null);

    private static string ReviewResultTag(ReviewOutcome outcome) => outcome switch
    {
        ReviewOutcome.Authenticated => "authenticated",
        ReviewOutcome.NotServiceAccount => "not_service_account",
        ReviewOutcome.NotPodBound => "not_pod_bound",
        ReviewOutcome.Unavailable => "unavailable",
        _ => "unauthenticated",
    };
}
