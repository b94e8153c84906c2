namespace Kamus.Server.Authentication;

/// <summary>Turns a bearer token into a service-account identity (Kubernetes TokenReview, or the development token map).</summary>
internal interface ITokenReviewer
{
    /// <summary>Reviews <paramref name="token"/>. Never throws for an unreachable reviewer: answers <see cref="ReviewOutcome.Unavailable"/>.</summary>
    Task<TokenReviewResult> ReviewAsync(string token, CancellationToken cancellationToken);

    /// <summary>Whether the reviewer can be reached and may review tokens (for <c>/api/v1/isAlive</c>). A local reviewer always can.</summary>
    ValueTask<bool> CheckReachableAsync(CancellationToken cancellationToken) => ValueTask.FromResult(true);
}
