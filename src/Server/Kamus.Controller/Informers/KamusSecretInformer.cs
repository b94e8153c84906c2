using System.Net;
using k8s;
using k8s.Autorest;
using Kamus.Controller.Configuration;
using Kamus.Controller.Diagnostics;
using Kamus.Controller.Queue;
using Kamus.Controller.Resources;
using Kamus.Wire.Kubernetes;
using Microsoft.Extensions.Options;

namespace Kamus.Controller.Informers;

/// <summary>
/// Keeps <see cref="KamusSecretCache"/> in step with the cluster and queues every KamusSecret that changed: a list
/// (in pages), then a watch from the list's resourceVersion with bookmarks, resumed from the last resourceVersion
/// seen when the API server ends it, listed again on 410 Expired, and retried after a jittered backoff on any error.
/// It never gives up: only cancellation ends it.
/// </summary>
internal sealed class KamusSecretInformer(
    IKubernetes client,
    KamusSecretCache cache,
    KamusControllerTelemetry metrics,
    IOptions<ControllerOptions> options,
    TimeProvider time,
    ILogger<KamusSecretInformer> logger)
{
    private const int PageSize = 500;

    private readonly ControllerOptions _options = options.Value;

    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled, queueing changed keys on <paramref name="queue"/>.</summary>
    public async Task RunAsync(WorkQueue queue, CancellationToken cancellationToken)
    {
        var backoff = new Backoff(_options.WatchInitialBackoff, _options.WatchMaxBackoff);
        string? version = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (version is null)
                {
                    version = await ListAsync(queue, cancellationToken).ConfigureAwait(false);
                    backoff.Reset();
                }

                var (reason, lastVersion, sawEvents) = await WatchAsync(version, queue, cancellationToken).ConfigureAwait(false);
                metrics.WatchRestarted(reason);
                if (reason == WatchRestartReason.Expired)
                {
                    KamusControllerLog.WatchExpired(logger, version);
                    version = null;
                    continue;
                }

                version = lastVersion;
                if (sawEvents && reason == WatchRestartReason.Closed)
                {
                    backoff.Reset();
                    continue;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // Never give up: whatever failed, list again after a backoff.
            catch (Exception e)
#pragma warning restore CA1031
            {
                // A failed list (or a bug): nothing is known to be current, so the next attempt lists again.
                metrics.WatchRestarted(IsGone(e) ? WatchRestartReason.Expired : WatchRestartReason.Error);
                KamusControllerLog.ListFailed(logger, Describe(e));
                version = null;
            }

            try
            {
                await Task.Delay(backoff.Next(), time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<string> ListAsync(WorkQueue queue, CancellationToken cancellationToken)
    {
        var items = new List<KamusSecret>();
        string? next = null;
        string version;
        do
        {
            var page = await client.CustomObjects.ListClusterCustomObjectAsync<KamusSecretList>(
                KamusSecretResource.Group, KamusSecretResource.Version, KamusSecretResource.Plural, continueParameter: next, limit: PageSize, cancellationToken: cancellationToken).ConfigureAwait(false);
            items.AddRange(page.Items);
            version = page.Metadata.ResourceVersion;
            next = page.Metadata.ContinueProperty;
        }
        while (!string.IsNullOrEmpty(next));

        foreach (var key in cache.Replace(items))
        {
            queue.Add(key);
        }

        KamusControllerLog.Listed(logger, items.Count, version);
        return version;
    }

    private async Task<(WatchRestartReason Reason, string Version, bool SawEvents)> WatchAsync(string version, WorkQueue queue, CancellationToken cancellationToken)
    {
        var expired = false;
        string? failure = null;
        var sawEvents = false;
        try
        {
            var response = client.CustomObjects.ListClusterCustomObjectWithHttpMessagesAsync<KamusSecretList>(
                KamusSecretResource.Group, KamusSecretResource.Version, KamusSecretResource.Plural, allowWatchBookmarks: true, resourceVersion: version,
                timeoutSeconds: _options.WatchTimeoutSeconds, watch: true, cancellationToken: cancellationToken);
#pragma warning disable CS0618 // The typed watch; its replacement (WatchListClusterCustomObjectAsync) yields untyped objects.
            var events = response.WatchAsync<KamusSecret, KamusSecretList>(OnError, cancellationToken);
#pragma warning restore CS0618
            await foreach (var (type, item) in events.ConfigureAwait(false))
            {
                sawEvents = true;
                version = item.Metadata?.ResourceVersion ?? version;
                Apply(type, item, queue);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // A broken stream, an unreadable event or a refused watch: resume after a backoff.
        catch (Exception e)
#pragma warning restore CA1031
        {
            expired |= IsGone(e);
            failure ??= Describe(e);
        }

        if (expired)
        {
            return (WatchRestartReason.Expired, version, sawEvents);
        }

        if (failure is not null)
        {
            KamusControllerLog.WatchFailed(logger, failure);
            return (WatchRestartReason.Error, version, sawEvents);
        }

        return (WatchRestartReason.Closed, version, sawEvents);

        // ERROR events arrive here (the stream then ends): 410 Expired means the resourceVersion is gone.
        void OnError(Exception e)
        {
            if (e is KubernetesException { Status.Code: (int)HttpStatusCode.Gone })
            {
                expired = true;
            }
            else
            {
                failure ??= Describe(e);
            }
        }
    }

    private void Apply(WatchEventType type, KamusSecret item, WorkQueue queue)
    {
        KamusControllerLog.WatchEvent(logger, type, item.Metadata?.NamespaceProperty, item.Metadata?.Name, item.Metadata?.ResourceVersion);
        if (type != WatchEventType.Bookmark && (item.Metadata?.Name is null || item.Metadata.NamespaceProperty is null))
        {
            return;
        }

        switch (type)
        {
            case WatchEventType.Added:
            case WatchEventType.Modified:
                if (cache.Upsert(item))
                {
                    queue.Add(item.Key);
                }

                break;
            case WatchEventType.Deleted:
                cache.Remove(item.Key);
                queue.Add(item.Key);
                break;
        }
    }

    private static bool IsGone(Exception e) =>
        e is HttpOperationException { Response.StatusCode: HttpStatusCode.Gone } || e is KubernetesException { Status.Code: (int)HttpStatusCode.Gone };

    // The status and the API server's own message; never a request or response body beyond a Status.
    private static string Describe(Exception e) => e switch
    {
        HttpOperationException http => $"HTTP {(int)http.Response.StatusCode} {http.Response.ReasonPhrase}",
        KubernetesException k8s => $"{k8s.Status?.Code} {k8s.Status?.Reason}: {k8s.Status?.Message}",
        _ => $"{e.GetType().Name}: {e.Message}",
    };
}
