using System.Diagnostics.Metrics;
using Kamus.Server.Metrics;

namespace Kamus.Server.Diagnostics;

/// <summary>
/// The server's meter, <c>Kamus.Server</c>. Every tag has a small fixed set of values (a route pattern, an outcome,
/// a provider kind): never a service account, token, key id or value. docs/operations.md lists each instrument with
/// the name Prometheus shows it under.
/// </summary>
internal sealed class KamusServerTelemetry : IDisposable
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "Kamus.Server";

    // Prometheus' default buckets suit a service answering in milliseconds to seconds; OpenTelemetry's defaults are in ms.
    private static readonly double[] SecondsBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Meter _meter;
    private readonly Counter<long> _requests;
    private readonly Histogram<double> _requestDuration;
    private readonly Counter<long> _reviews;
    private readonly Histogram<double> _reviewDuration;
    private readonly Counter<long> _cacheLookups;
    private readonly Counter<long> _refusals;
    private readonly Counter<long> _keyOperations;
    private readonly Histogram<double> _keyDuration;

    /// <summary>Creates the meter.</summary>
    public KamusServerTelemetry(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(MeterName);
        var buckets = new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets };
        _requests = _meter.CreateCounter<long>("kamus.server.requests", description: "API requests answered, by endpoint (route), status and outcome.");
        _requestDuration = _meter.CreateHistogram("kamus.server.request.duration", "s", "Time to answer an API request, by endpoint and outcome.", advice: buckets);
        _reviews = _meter.CreateCounter<long>("kamus.server.token_reviews", description: "TokenReviews sent to the Kubernetes API (cache misses), by result.");
        _reviewDuration = _meter.CreateHistogram("kamus.server.token_review.duration", "s", "Time a TokenReview took, by result.", advice: buckets);
        _cacheLookups = _meter.CreateCounter<long>("kamus.server.token_review_cache.lookups", description: "Token review cache lookups, by result (hit or miss).");
        _refusals = _meter.CreateCounter<long>("kamus.server.authentication.refusals", description: "Callers refused before decrypting, by reason.");
        _keyOperations = _meter.CreateCounter<long>("kamus.server.key_provider.operations", description: "Master key provider calls, by provider, operation and result.");
        _keyDuration = _meter.CreateHistogram("kamus.server.key_provider.duration", "s", "Time a master key provider call took, by provider and operation.", advice: buckets);
    }

    /// <summary>Counts one answered request and its duration.</summary>
    public void Request(string endpoint, int status, TimeSpan elapsed)
    {
        var outcome = new KeyValuePair<string, object?>("outcome", RequestOutcome.Of(status));
        var route = new KeyValuePair<string, object?>("endpoint", endpoint);
        _requests.Add(1, route, new KeyValuePair<string, object?>("status", status), outcome);
        _requestDuration.Record(elapsed.TotalSeconds, route, outcome);
    }

    /// <summary>Counts one token review sent to the reviewer and its duration.</summary>
    public void Review(string result, TimeSpan elapsed)
    {
        var tag = new KeyValuePair<string, object?>("result", result);
        _reviews.Add(1, tag);
        _reviewDuration.Record(elapsed.TotalSeconds, tag);
    }

    /// <summary>Counts one review cache lookup.</summary>
    public void CacheLookup(bool hit) => _cacheLookups.Add(1, new KeyValuePair<string, object?>("result", hit ? "hit" : "miss"));

    /// <summary>Counts one refused caller.</summary>
    public void Refusal(string reason) => _refusals.Add(1, new KeyValuePair<string, object?>("reason", reason));

    /// <summary>Counts one key provider call and its duration.</summary>
    public void KeyOperation(string provider, string operation, string result, TimeSpan elapsed)
    {
        var kind = new KeyValuePair<string, object?>("provider", provider);
        var op = new KeyValuePair<string, object?>("operation", operation);
        _keyOperations.Add(1, kind, op, new KeyValuePair<string, object?>("result", result));
        _keyDuration.Record(elapsed.TotalSeconds, kind, op);
    }

    /// <summary>Disposes the meter.</summary>
    public void Dispose() => _meter.Dispose();
}
