namespace Kamus.Controller.Informers;

/// <summary>Why the KamusSecret watch was opened again (the <c>reason</c> tag of <c>kamus.controller.watch.restarts</c>).</summary>
internal enum WatchRestartReason
{
    /// <summary>The API server answered 410 Expired: the resourceVersion is too old, so the controller lists again.</summary>
    Expired,

    /// <summary>The API server ended the watch normally (its timeout, or a restart); the watch resumes from the last resourceVersion.</summary>
    Closed,

    /// <summary>The list or watch failed (connection, 5xx, 403, a broken stream); the controller retries after a backoff.</summary>
    Error,
}

internal static class WatchRestartReasonExtensions
{
    public static string Tag(this WatchRestartReason reason) => reason switch
    {
        WatchRestartReason.Expired => "expired",
        WatchRestartReason.Closed => "closed",
        _ => "error",
    };
}
