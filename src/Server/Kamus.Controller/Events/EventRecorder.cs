using Kamus.Controller.Diagnostics;
using System.Collections.Concurrent;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Kamus.Controller.Leadership;
using Kamus.Controller.Resources;
using Kamus.Wire.Kubernetes;

namespace Kamus.Controller.Events;

/// <summary>
/// Records core/v1 Events on KamusSecrets (what <c>kubectl describe</c> shows). An Event is written when an object's
/// outcome changes, not on every periodic reconcile, so a lasting failure is one Warning rather than one a minute.
/// Events are best effort: a failure to write one is logged and never fails a reconcile.
/// </summary>
internal sealed class EventRecorder(IKubernetes client, ControllerIdentity identity, TimeProvider time, ILogger<EventRecorder> logger)
{
    public const string Component = "kamus-controller";

    private readonly ConcurrentDictionary<string, (string Uid, string Reason, string Message)> _last = new(StringComparer.Ordinal);
    private long _sequence;

    public Task NormalAsync(KamusSecret owner, string reason, string message, CancellationToken cancellationToken) =>
        RecordAsync(owner, "Normal", reason, message, cancellationToken);

    public Task WarningAsync(KamusSecret owner, string reason, string message, CancellationToken cancellationToken) =>
        RecordAsync(owner, "Warning", reason, message, cancellationToken);

    /// <summary>Forgets a deleted object, so a new one of the same name gets its Events.</summary>
    public void Forget(string key) => _last.TryRemove(key, out _);

    private async Task RecordAsync(KamusSecret owner, string type, string reason, string message, CancellationToken cancellationToken)
    {
        var outcome = (owner.Metadata.Uid, reason, message);
        if (_last.TryGetValue(owner.Key, out var last) && last == outcome)
        {
            return;
        }

        _last[owner.Key] = outcome;
        var now = time.GetUtcNow().UtcDateTime;
        var suffix = ((now.Ticks << 8) | (Interlocked.Increment(ref _sequence) & 0xff)).ToString("x", System.Globalization.CultureInfo.InvariantCulture);
        var @event = new Corev1Event
        {
            Metadata = new V1ObjectMeta { Name = $"{owner.Metadata.Name}.{suffix}", NamespaceProperty = owner.Metadata.NamespaceProperty },
            InvolvedObject = new V1ObjectReference
            {
                ApiVersion = KamusSecretResource.GroupVersion,
                Kind = KamusSecretResource.Kind,
                Name = owner.Metadata.Name,
                NamespaceProperty = owner.Metadata.NamespaceProperty,
                Uid = owner.Metadata.Uid,
                ResourceVersion = owner.Metadata.ResourceVersion,
            },
            Type = type,
            Reason = reason,
            Message = message,
            Source = new V1EventSource { Component = Component },
            ReportingComponent = Component,
            ReportingInstance = identity.Name,
            FirstTimestamp = now,
            LastTimestamp = now,
            Count = 1,
        };
        try
        {
            await client.CoreV1.CreateNamespacedEventAsync(@event, owner.Metadata.NamespaceProperty, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e)
        {
            _last.TryRemove(owner.Key, out _);
            KamusControllerLog.EventNotRecorded(logger, reason, owner.Key, (int)e.Response.StatusCode);
        }
        catch (HttpRequestException e)
        {
            _last.TryRemove(owner.Key, out _);
            KamusControllerLog.EventNotRecorded(logger, reason, owner.Key, (int?)e.StatusCode ?? 0);
        }
    }
}
