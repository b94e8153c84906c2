namespace Kamus.Server.Authentication;

/// <summary>Turns a bearer token into a service-account identity (Kubernetes TokenReview, or the development token map).</summary>
internal interface ITokenReviewer
{
    /// <summary>Reviews <paramref name="token"/>. Never throws for an unreachable reviewer: answers <see cref="ReviewOutcome.Unavailable"/>.</summary>
    Task<TokenReviewResult> ReviewAsync(string token, CancellationToken cancellationToken);
}
