using System.Diagnostics.Metrics;
using Kamus.Server.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Kamus.Testing.Metrics;

/// <summary>
/// Counts one server's master key provider calls (wraps, unwraps), as its <c>kamus.server.key_provider.operations</c>
/// counter records them (<c>kamus_server_key_provider_operations_total</c> on /metrics). It listens to that host's meter
/// only (by its <see cref="IMeterFactory"/>), so tests running other hosts in parallel do not count here.
/// </summary>
public sealed class KeyProviderCalls : IDisposable
{
    private readonly MetricCollector<long> _collector;

    /// <summary>Starts counting the calls of <paramref name="host"/>.</summary>
    public KeyProviderCalls(KamusServerHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        _collector = new MetricCollector<long>(host.Services.GetRequiredService<IMeterFactory>(), KamusServerTelemetry.MeterName, "kamus.server.key_provider.operations");
    }

    /// <summary>Unwraps since the start or the last <see cref="Clear"/>, whatever their result.</summary>
    public long Unwraps => Count("unwrap");

    /// <summary>Wraps since the start or the last <see cref="Clear"/>, whatever their result.</summary>
    public long Wraps => Count("wrap");

    /// <summary>Forgets the calls counted so far.</summary>
    public void Clear() => _collector.Clear();

    /// <summary>Stops counting.</summary>
    public void Dispose() => _collector.Dispose();

    private long Count(string operation) =>
        _collector.GetMeasurementSnapshot().Where(m => m.Tags.TryGetValue("operation", out var value) && Equals(value, operation)).Sum(m => m.Value);
}
