using System.Diagnostics.Metrics;

namespace Kamus.KeyManagement.Cloud;

/// <summary>
/// The meter of the key providers, <c>Kamus.KeyManagement</c>: how often a cloud KMS is called (and how that ended), and
/// how often the data-key cache spared a call. Tags name the key id and operation, never a key, identity or value.
/// </summary>
internal static class CloudTelemetry
{
    /// <summary>The meter name.</summary>
    public const string Name = "Kamus.KeyManagement";

    /// <summary>The meter.</summary>
    public static readonly Meter Meter = new(Name);

    /// <summary>KMS calls, tagged <c>key_id</c>, <c>operation</c> (<c>generate</c>, <c>decrypt</c>, <c>decrypt_upstream</c>) and <c>outcome</c> (<c>ok</c>, <c>refused</c>, <c>unavailable</c>).</summary>
    public static readonly Counter<long> KmsCalls = Meter.CreateCounter<long>("kamus.keymanagement.kms.calls", "{call}", "Calls to a cloud KMS, by key id, operation and outcome.");

    /// <summary>Unwraps answered from the data-key cache, tagged <c>key_id</c>.</summary>
    public static readonly Counter<long> DataKeyCacheHits = Meter.CreateCounter<long>("kamus.keymanagement.datakey_cache.hits", "{hit}", "Data keys found in the server's cache instead of asking the KMS.");
}
