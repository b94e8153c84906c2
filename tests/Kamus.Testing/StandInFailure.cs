namespace Kamus.Testing;

/// <summary>How the <see cref="KubernetesApiStandIn"/> misbehaves.</summary>
public enum StandInFailure
{
    /// <summary>Answers TokenReview normally.</summary>
    None,

    /// <summary>Answers HTTP 500 with a Kubernetes <c>Status</c> object.</summary>
    ServerError,

    /// <summary>Answers HTTP 503 with a Kubernetes <c>Status</c> object.</summary>
    ServiceUnavailable,

    /// <summary>Answers HTTP 403, as when Kamus's service account lacks <c>system:auth-delegator</c>.</summary>
    Forbidden,

    /// <summary>Drops the connection without answering.</summary>
    Abort,

    /// <summary>Answers 307 Temporary Redirect to <see cref="KubernetesApiStandIn.RedirectTarget"/> (a client that follows it re-posts the review, token included).</summary>
    Redirect,
}
