using Kamus.Controller.Configuration;
using Kamus.Controller.Diagnostics;
using Kamus.Controller.Informers;
using Kamus.Controller.Queue;
using Kamus.Controller.Reconciliation;
using Microsoft.Extensions.Options;

namespace Kamus.Controller;

/// <summary>
/// The controller while it leads: the informer feeding a work queue, a periodic resync queueing every KamusSecret
/// (drift repair), and workers reconciling one key each at a time, retrying failures with per-key backoff.
/// </summary>
internal sealed class ControllerLoop(
    KamusSecretInformer informer,
    KamusSecretCache cache,
    KamusSecretReconciler reconciler,
    KamusControllerTelemetry metrics,
    IOptions<ControllerOptions> options,
    TimeProvider time,
    ILogger<ControllerLoop> logger)
{
    private readonly ControllerOptions _options = options.Value;

    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled (shutdown, or leadership lost).</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var queue = new WorkQueue(time, _options.RetryInitialDelay, _options.RetryMaxDelay);
        cache.Reset();
        var tasks = new List<Task> { informer.RunAsync(queue, cancellationToken), ResyncAsync(queue, cancellationToken) };
        for (var i = 0; i < _options.Workers; i++)
        {
            tasks.Add(WorkAsync(queue, cancellationToken));
        }

        KamusControllerLog.LoopStarted(logger, _options.Workers, _options.ReconciliationIntervalInSeconds);
        await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    private async Task ResyncAsync(WorkQueue queue, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.ReconciliationInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                foreach (var key in cache.Keys)
                {
                    queue.Add(key);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }

    private async Task WorkAsync(WorkQueue queue, CancellationToken cancellationToken)
    {
        while (true)
        {
            string key;
            try
            {
                key = await queue.TakeAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                var result = await reconciler.ReconcileAsync(key, cancellationToken).ConfigureAwait(false);
                if (result != ReconcileResult.Gone)
                {
                    metrics.Reconciled(result);
                }

                if (result.IsRetried())
                {
                    var delay = queue.AddRateLimited(key);
                    KamusControllerLog.RetryScheduled(logger, key, delay);
                }
                else
                {
                    queue.Forget(key);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A bug in one reconcile must not stop the worker: it is logged and retried with backoff.
            catch (Exception e)
#pragma warning restore CA1031
            {
                metrics.Reconciled(ReconcileResult.Error);
                KamusControllerLog.UnexpectedFailure(logger, key, e.GetType().Name);
                queue.AddRateLimited(key);
            }
            finally
            {
                queue.Done(key);
            }
        }
    }
}
