namespace Kamus.Server.Metrics;

/// <summary>The Prometheus scrape endpoint, section <c>Kamus:Metrics</c>.</summary>
internal sealed class MetricsOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Kamus:Metrics";

    /// <summary>Whether <c>GET /metrics</c> is served (default true).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// When set, <c>/metrics</c> is served only on this extra port (which serves nothing else), so the API port can
    /// stay reachable from pods only while Prometheus scrapes another. When unset, <c>/metrics</c> shares <c>--urls</c>.
    /// </summary>
    public int? Port { get; set; }
}
