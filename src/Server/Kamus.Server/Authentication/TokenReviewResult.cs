using Kamus.Wire.Identity;

namespace Kamus.Server.Authentication;

/// <summary>What a token review concluded.</summary>
internal enum ReviewOutcome
{
    /// <summary>The token belongs to a service account.</summary>
    Authenticated,

    /// <summary>The token is unknown, expired, or not meant for this audience.</summary>
    Unauthenticated,

    /// <summary>The token is valid but does not belong to a service account.</summary>
    NotServiceAccount,

    /// <summary>The reviewer (the Kubernetes API) could not be reached or failed.</summary>
    Unavailable,

    /// <summary>A service account's token that names no pod, while <c>Kamus:Tokens:RequirePodBound</c> requires one.</summary>
    NotPodBound,
}

/// <summary>The result of one token review. Holds no token.</summary>
/// <param name="Outcome">The conclusion.</param>
/// <param name="Identity">The service account, when authenticated.</param>
/// <param name="ExpiresAt">When the token itself expires, when known (JWT <c>exp</c>).</param>
internal sealed record TokenReviewResult(ReviewOutcome Outcome, ServiceAccountIdentity? Identity = null, DateTimeOffset? ExpiresAt = null)
{
    /// <summary>An unauthenticated result.</summary>
    public static TokenReviewResult Unauthenticated { get; } = new(ReviewOutcome.Unauthenticated);

    /// <summary>A not-a-service-account result.</summary>
    public static TokenReviewResult NotServiceAccount { get; } = new(ReviewOutcome.NotServiceAccount);

    /// <summary>A not-bound-to-a-pod result.</summary>
    public static TokenReviewResult NotPodBound { get; } = new(ReviewOutcome.NotPodBound);

    /// <summary>An unavailable result.</summary>
    public static TokenReviewResult Unavailable { get; } = new(ReviewOutcome.Unavailable);
}
