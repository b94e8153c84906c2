using System.Diagnostics.Metrics;

namespace Kamus.Server.Diagnostics;

/// <summary>The server's meter, <c>Kamus.Server</c>: counter <c>kamus.server.requests</c> tagged by endpoint and status.</summary>
internal sealed class KamusServerTelemetry : IDisposable
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "Kamus.Server";

    private readonly Meter _meter;
    private readonly Counter<long> _requests;
    private readonly Counter<long> _reviews;

    /// <summary>Creates the meter.</summary>
    public KamusServerTelemetry(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(MeterName);
        _requests = _meter.CreateCounter<long>("kamus.server.requests", description: "API requests, by endpoint and status.");
        _reviews = _meter.CreateCounter<long>("kamus.server.token_reviews", description: "Token reviews sent to the reviewer (cache misses).");
    }

    /// <summary>Counts one request.</summary>
    public void Request(string endpoint, int status) =>
        _requests.Add(1, new KeyValuePair<string, object?>("endpoint", endpoint), new KeyValuePair<string, object?>("status", status));

    /// <summary>Counts one token review.</summary>
    public void Review() => _reviews.Add(1);

    /// <summary>Disposes the meter.</summary>
    public void Dispose() => _meter.Dispose();
}
