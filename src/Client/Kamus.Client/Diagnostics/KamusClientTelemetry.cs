using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Kamus.Client.Diagnostics;

/// <summary>
/// The <see cref="Meter"/> and <see cref="ActivitySource"/> of the client, both named <c>Kamus.Client</c>.
/// Instruments carry endpoints and error kinds as tags, never values.
/// </summary>
internal static class KamusClientTelemetry
{
    /// <summary>The name of the meter and of the activity source.</summary>
    public const string Name = "Kamus.Client";

    private static readonly string? Version = typeof(KamusClientTelemetry).Assembly.GetName().Version?.ToString();

    public static readonly ActivitySource ActivitySource = new(Name, Version);

    public static readonly Meter Meter = new(Name, Version);

    /// <summary>Remote calls (each HTTP attempt), tagged <c>endpoint</c> and <c>status</c>.</summary>
    public static readonly Counter<long> Requests = Meter.CreateCounter<long>("kamus.client.requests", "{request}", "Remote calls to the Kamus API.");

    /// <summary>Duration of each HTTP attempt, tagged <c>endpoint</c>.</summary>
    public static readonly Histogram<double> RequestDuration = Meter.CreateHistogram<double>("kamus.client.request.duration", "s", "Duration of remote calls to the Kamus API.");

    /// <summary>Wrapped data keys sent to the decryptor by the envelope fast path.</summary>
    public static readonly Counter<long> FastPathUnwraps = Meter.CreateCounter<long>("kamus.client.fastpath.unwraps", "{key}", "Wrapped data keys unwrapped remotely by the envelope fast path.");

    /// <summary>Envelope values whose data key was already in the cache.</summary>
    public static readonly Counter<long> DataKeyCacheHits = Meter.CreateCounter<long>("kamus.client.datakey_cache.hits", "{hit}", "Envelope data keys found in the client's cache.");

    /// <summary>Envelope payloads decrypted locally.</summary>
    public static readonly Counter<long> LocalDecrypts = Meter.CreateCounter<long>("kamus.client.local_decrypts", "{value}", "Envelope payloads decrypted locally.");

    /// <summary>Failures, tagged <c>kind</c> (a <see cref="KamusErrorKind"/> name).</summary>
    public static readonly Counter<long> Failures = Meter.CreateCounter<long>("kamus.client.failures", "{failure}", "Failed operations by error kind.");

    public static void RecordFailure(KamusErrorKind kind) => Failures.Add(1, new KeyValuePair<string, object?>("kind", kind.ToString()));
}
