namespace Kamus.Server.Tests.Metrics;

/// <summary>
/// The scrape tests run alone: OpenTelemetry subscribes to meters by name, process-wide, so a scrape of one test host
/// would also count the requests of other hosts running in parallel (in production one process holds one server).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialScrapes
{
    /// <summary>The collection name.</summary>
    public const string Name = "Metrics scrapes";
}
