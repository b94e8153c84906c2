using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Kamus.Configuration.Internal;

/// <summary>The Meter and ActivitySource named after the package: <c>Kamus.Configuration</c>.</summary>
internal static class KamusConfigurationTelemetry
{
    public const string Name = "Kamus.Configuration";

    public static readonly ActivitySource ActivitySource = new(Name);

    private static readonly Meter Meter = new(Name);

    /// <summary>Values decrypted remotely (cache misses), tagged <c>outcome</c> = <c>success</c> | the failure kind.</summary>
    public static readonly Counter<long> Decryptions = Meter.CreateCounter<long>("kamus.configuration.decryptions", "{value}", "Configuration values decrypted through the Kamus client (cache misses).");

    /// <summary>Loads and reloads, tagged <c>reload</c> and <c>changed</c>.</summary>
    public static readonly Counter<long> Loads = Meter.CreateCounter<long>("kamus.configuration.loads", "{load}", "Loads and reloads of the Kamus configuration provider.");
}
