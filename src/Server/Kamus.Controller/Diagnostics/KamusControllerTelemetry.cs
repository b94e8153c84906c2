using System.Diagnostics.Metrics;
using Kamus.Controller.Informers;
using Kamus.Controller.Reconciliation;

namespace Kamus.Controller.Diagnostics;

/// <summary>
/// Meter <c>Kamus.Controller</c>: <c>kamus.controller.reconciles</c> (by <c>result</c>), <c>kamus.controller.kamussecrets</c>
/// (observed, by <c>ready</c> = true/false/unknown) and <c>kamus.controller.watch.restarts</c> (by <c>reason</c>).
/// </summary>
internal sealed class KamusControllerTelemetry
{
    public const string MeterName = "Kamus.Controller";

    private readonly Counter<long> _reconciles;
    private readonly Counter<long> _watchRestarts;

    public KamusControllerTelemetry(IMeterFactory meterFactory, KamusSecretCache cache)
    {
        var meter = meterFactory.Create(MeterName);
        _reconciles = meter.CreateCounter<long>("kamus.controller.reconciles", "{reconcile}", "KamusSecret reconciles, by result.");
        _watchRestarts = meter.CreateCounter<long>("kamus.controller.watch.restarts", "{restart}", "KamusSecret watches restarted, by reason.");
        meter.CreateObservableGauge("kamus.controller.kamussecrets", () => Observe(cache), "{kamussecret}", "KamusSecrets known to the controller, by Ready condition.");
    }

    public void Reconciled(ReconcileResult result) => _reconciles.Add(1, new KeyValuePair<string, object?>("result", result.Tag()));

    public void WatchRestarted(WatchRestartReason reason) => _watchRestarts.Add(1, new KeyValuePair<string, object?>("reason", reason.Tag()));

    private static Measurement<long>[] Observe(KamusSecretCache cache)
    {
        var (ready, notReady, unknown) = cache.CountByReady();
        return
        [
            new(ready, new KeyValuePair<string, object?>("ready", "true")),
            new(notReady, new KeyValuePair<string, object?>("ready", "false")),
            new(unknown, new KeyValuePair<string, object?>("ready", "unknown")),
        ];
    }
}
