using k8s;
using Kamus.Controller.Reconciliation;

namespace Kamus.Controller.Diagnostics;

/// <summary>
/// The controller's log messages (source-generated). They name KamusSecrets, Leases, statuses and reasons: never
/// values or keys. Each keeps the <c>EventName</c> (and so the event id, which the generator hashes from it) that it had
/// when it was declared beside its caller, so log queries on those keep working.
/// </summary>
internal static partial class KamusControllerLog
{
    // KamusSecretReconciler
    [LoggerMessage(EventName = "LogWritten", Level = LogLevel.Information, Message = "KamusSecret {Key}: Secret {Result} with {Count} key(s).")]
    public static partial void SecretWritten(ILogger logger, string key, ReconcileResult result, int count);

    [LoggerMessage(EventName = "LogNotReady", Level = LogLevel.Warning, Message = "KamusSecret {Key} is not Ready ({Reason}): {Message}")]
    public static partial void NotReady(ILogger logger, string key, string reason, string message);

    [LoggerMessage(EventName = "LogApiFailure", Level = LogLevel.Warning, Message = "KamusSecret {Key}: the Kubernetes API answered {Status} ({Message}); retrying with backoff.")]
    public static partial void ApiFailure(ILogger logger, string key, int status, string message);

    [LoggerMessage(EventName = "LogTransientFailure", Level = LogLevel.Warning, Message = "KamusSecret {Key}: {ExceptionType} ({Reason}); retrying with backoff.")]
    public static partial void TransientFailure(ILogger logger, string key, string exceptionType, string reason);

    [LoggerMessage(EventName = "LogKeysUnavailable", Level = LogLevel.Warning, Message = "KamusSecret {Key}: the master key backend is unavailable; retrying with backoff.")]
    public static partial void KeysUnavailable(ILogger logger, string key);

    [LoggerMessage(EventName = "LogPreviousOwner", Level = LogLevel.Information, Message = "KamusSecret {Key}: its Secret still belongs to a deleted KamusSecret of the same name; waiting for the garbage collector.")]
    public static partial void PreviousOwner(ILogger logger, string key);

    // EventRecorder
    [LoggerMessage(EventName = "LogEventFailed", Level = LogLevel.Warning, Message = "Could not record Event {Reason} on KamusSecret {Key} (HTTP {Status}); the status condition still says it.")]
    public static partial void EventNotRecorded(ILogger logger, string reason, string key, int status);

    // ControllerLoop
    [LoggerMessage(EventName = "LogStarted", Level = LogLevel.Information, Message = "Reconciling KamusSecrets with {Workers} workers, every KamusSecret at least every {Interval}s.")]
    public static partial void LoopStarted(ILogger logger, int workers, int interval);

    [LoggerMessage(EventName = "LogRetry", Level = LogLevel.Debug, Message = "KamusSecret {Key} will be retried in {Delay}.")]
    public static partial void RetryScheduled(ILogger logger, string key, TimeSpan delay);

    [LoggerMessage(EventName = "LogUnexpected", Level = LogLevel.Error, Message = "Reconciling KamusSecret {Key} failed unexpectedly ({ExceptionType}); retrying with backoff.")]
    public static partial void UnexpectedFailure(ILogger logger, string key, string exceptionType);

    // ControllerService
    [LoggerMessage(EventName = "LogNoElection", Level = LogLevel.Warning, Message = "Leader election is off (no POD_NAMESPACE, no in-cluster namespace, or Controller:LeaderElection:Enabled=false): run exactly one replica.")]
    public static partial void NoElection(ILogger logger);

    [LoggerMessage(EventName = "LogCampaigning", Level = LogLevel.Information, Message = "Campaigning for Lease {Namespace}/{Lease} as {Identity}.")]
    public static partial void Campaigning(ILogger logger, string @namespace, string lease, string identity);

    [LoggerMessage(EventName = "LogLeading", Level = LogLevel.Information, Message = "{Identity} leads: reconciling.")]
    public static partial void Leading(ILogger logger, string identity);

    [LoggerMessage(EventName = "LogStoppedLeading", Level = LogLevel.Information, Message = "{Identity} stopped leading: not reconciling.")]
    public static partial void StoppedLeading(ILogger logger, string identity);

    [LoggerMessage(EventName = "LogNewLeader", Level = LogLevel.Information, Message = "The controller leader is {Leader}.")]
    public static partial void NewLeader(ILogger logger, string leader);

    [LoggerMessage(EventName = "LogElectionFailed", Level = LogLevel.Warning, Message = "Leader election failed ({ExceptionType}: {Reason}); campaigning again.")]
    public static partial void ElectionFailed(ILogger logger, string exceptionType, string reason);

    [LoggerMessage(EventName = "LogReleased", Level = LogLevel.Information, Message = "Released Lease {Lease}.")]
    public static partial void LeaseReleased(ILogger logger, string lease);

    [LoggerMessage(EventName = "LogReleaseFailed", Level = LogLevel.Warning, Message = "Could not release the Lease ({ExceptionType}); it expires on its own.")]
    public static partial void LeaseReleaseFailed(ILogger logger, string exceptionType);

    // KamusControllerApplication
    [LoggerMessage(EventName = "LogDevelopmentKey", Level = LogLevel.Warning, Message = "INSECURE: the well-known development key (key id 'dev') is in use (Kamus:Development:Enabled=true). Never use this in production.")]
    public static partial void DevelopmentKey(ILogger logger);

    [LoggerMessage(EventName = "LogStarting", Level = LogLevel.Information, Message = "Kamus controller: Kubernetes API via {Api}, key ids [{KeyIds}], SetOwnerReference={SetOwnerReference}.")]
    public static partial void Starting(ILogger logger, string api, string keyIds, bool setOwnerReference);

    // KamusSecretInformer
    [LoggerMessage(EventName = "LogEvent", Level = LogLevel.Trace, Message = "Watch event {Type} for KamusSecret {Namespace}/{Name} at resourceVersion {ResourceVersion}.")]
    public static partial void WatchEvent(ILogger logger, WatchEventType type, string? @namespace, string? name, string? resourceVersion);

    [LoggerMessage(EventName = "LogListed", Level = LogLevel.Information, Message = "Listed {Count} KamusSecrets at resourceVersion {ResourceVersion}; watching from there.")]
    public static partial void Listed(ILogger logger, int count, string resourceVersion);

    [LoggerMessage(EventName = "LogExpired", Level = LogLevel.Information, Message = "The KamusSecret watch from resourceVersion {ResourceVersion} expired (410); listing again.")]
    public static partial void WatchExpired(ILogger logger, string resourceVersion);

    [LoggerMessage(EventName = "LogListFailed", Level = LogLevel.Warning, Message = "Listing KamusSecrets failed ({Reason}); retrying after a backoff.")]
    public static partial void ListFailed(ILogger logger, string reason);

    [LoggerMessage(EventName = "LogWatchFailed", Level = LogLevel.Warning, Message = "The KamusSecret watch failed ({Reason}); resuming after a backoff.")]
    public static partial void WatchFailed(ILogger logger, string reason);
}
