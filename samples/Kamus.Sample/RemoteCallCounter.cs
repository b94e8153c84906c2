using System.Diagnostics.Metrics;

namespace Kamus.Sample;

/// <summary>Counts remote Kamus calls through the client's <c>kamus.client.requests</c> counter.</summary>
internal sealed class RemoteCallCounter : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _count;

    public RemoteCallCounter()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Kamus.Client" && instrument.Name == "kamus.client.requests")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _count, value));
        _listener.Start();
    }

    public long Count => Interlocked.Read(ref _count);

    public void Dispose() => _listener.Dispose();
}
