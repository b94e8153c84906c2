namespace Kamus.Controller.Reconciliation;

/// <summary>How one reconcile ended (the <c>result</c> tag of <c>kamus.controller.reconciles</c>).</summary>
internal enum ReconcileResult
{
    /// <summary>The Secret did not exist and was created.</summary>
    Created,

    /// <summary>The Secret differed (a changed KamusSecret, or drift) and was updated or recreated.</summary>
    Updated,

    /// <summary>The Secret already matched; nothing was written.</summary>
    Unchanged,

    /// <summary>A value did not decrypt or the spec is invalid or the API refused the Secret: Ready=False, Secret untouched, retried at the next resync.</summary>
    Failed,

    /// <summary>A Secret of that name exists and is not Kamus's: Ready=False, Secret untouched.</summary>
    NotOwned,

    /// <summary>A transient failure (API unreachable, conflict, key backend down): retried with backoff.</summary>
    Error,

    /// <summary>The KamusSecret no longer exists (its Secret goes with it through its ownerReference). Not counted.</summary>
    Gone,
}

internal static class ReconcileResultExtensions
{
    public static string Tag(this ReconcileResult result) => result switch
    {
        ReconcileResult.Created => "created",
        ReconcileResult.Updated => "updated",
        ReconcileResult.Unchanged => "unchanged",
        ReconcileResult.Failed => "failed",
        ReconcileResult.NotOwned => "not_owned",
        ReconcileResult.Gone => "gone",
        _ => "error",
    };

    public static bool IsRetried(this ReconcileResult result) => result == ReconcileResult.Error;
}
