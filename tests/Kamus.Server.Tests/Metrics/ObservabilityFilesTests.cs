using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Kamus.Testing;
using YamlDotNet.RepresentationModel;

namespace Kamus.Server.Tests.Metrics;

/// <summary>
/// deploy/observability/: the dashboard and the alerts parse, and every metric they query is one a real scrape shows
/// (the controller's metrics are checked against the names docs/operations.md documents until the controller is
/// exposed by this server's process).
/// </summary>
[Collection(SerialScrapes.Name)]
public sealed partial class ObservabilityFilesTests
{
    // The controller's instruments (Meter "Kamus.Controller") as Prometheus names them; docs/operations.md lists them.
    private static readonly string[] ControllerMetrics = ["kamus_controller_reconciles_total", "kamus_controller_kamussecrets", "kamus_controller_watch_restarts_total"];

    private static readonly string Root = FindRepositoryRoot();

    [Fact]
    public async Task Every_metric_the_dashboard_and_the_alerts_query_appears_in_a_scrape_after_traffic()
    {
        await using var host = await KamusServerHost.StartAsync();
        var scrape = await MetricsTests.ScrapeAfterTrafficAsync(host);
        var queried = DashboardQueries().Concat(RuleQueries().Select(r => r.Expr)).SelectMany(MetricNames).ToHashSet();

        Assert.Contains("kamus_server_requests_total", queried);
        Assert.Contains("kamus_controller_kamussecrets", queried);
        var missing = queried.Where(name => !scrape.Has(name) && !ControllerMetrics.Contains(name)).ToList();
        Assert.True(missing.Count == 0, "queried but never scraped: " + string.Join(", ", missing));
    }

    [Fact]
    public void The_rules_cover_the_four_alerts_each_with_a_severity_a_summary_and_a_documented_runbook()
    {
        var rules = RuleQueries().ToList();
        var operations = File.ReadAllText(Path.Combine(Root, "docs", "operations.md"));

        Assert.Equal(["KamusDecryptErrorRatioHigh", "KamusTokenReviewUnavailable", "KamusKeyProviderUnavailable", "KamusSecretNotReady"], rules.Select(r => r.Alert));
        foreach (var rule in rules)
        {
            Assert.Contains(rule.Severity, new[] { "warning", "critical" });
            Assert.False(string.IsNullOrWhiteSpace(rule.Summary), rule.Alert);
            Assert.Equal($"docs/operations.md#{rule.Alert.ToLowerInvariant()}", rule.Runbook);
            Assert.Contains($"### {rule.Alert}", operations, StringComparison.Ordinal);
        }

        foreach (var name in ControllerMetrics)
        {
            Assert.Contains($"`{name}`", operations, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_dashboard_shows_decrypts_token_reviews_the_key_provider_cache_hits_and_the_controller()
    {
        var queries = DashboardQueries().ToList();

        Assert.Contains(queries, q => q.Contains("kamus_server_requests_total", StringComparison.Ordinal) && q.Contains("outcome", StringComparison.Ordinal));
        Assert.Contains(queries, q => q.Contains("kamus_server_token_review_duration_seconds_bucket", StringComparison.Ordinal));
        Assert.Contains(queries, q => q.Contains("kamus_server_key_provider_duration_seconds_bucket", StringComparison.Ordinal));
        Assert.Contains(queries, q => q.Contains("kamus_server_token_review_cache_lookups_total{result=\"hit\"}", StringComparison.Ordinal));
        Assert.Contains(queries, q => q.Contains("kamus_controller_", StringComparison.Ordinal));
    }

    private static IEnumerable<string> DashboardQueries()
    {
        var dashboard = JsonNode.Parse(File.ReadAllText(Path.Combine(Root, "deploy", "observability", "grafana-dashboard.json")))!;
        return dashboard["panels"]!.AsArray()
            .SelectMany(p => p!["targets"]?.AsArray() ?? [])
            .Select(t => t!["expr"]!.GetValue<string>());
    }

    private static IEnumerable<(string Alert, string Expr, string Severity, string Summary, string Runbook)> RuleQueries()
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(Root, "deploy", "observability", "prometheus-rule.yaml")))
        {
            yaml.Load(reader);
        }

        var root = (YamlMappingNode)yaml.Documents.Single().RootNode;
        Assert.Equal("PrometheusRule", ((YamlScalarNode)root["kind"]).Value);
        foreach (var group in (YamlSequenceNode)((YamlMappingNode)root["spec"])["groups"])
        {
            foreach (YamlMappingNode rule in (YamlSequenceNode)((YamlMappingNode)group)["rules"])
            {
                var annotations = (YamlMappingNode)rule["annotations"];
                yield return (Scalar(rule, "alert"), Scalar(rule, "expr"), Scalar((YamlMappingNode)rule["labels"], "severity"),
                    Scalar(annotations, "summary"), Scalar(annotations, "runbook"));
            }
        }
    }

    private static string Scalar(YamlMappingNode node, string key) => ((YamlScalarNode)node[key]).Value!;

    private static IEnumerable<string> MetricNames(string query) => MetricName().Matches(query).Select(m => m.Value);

    [GeneratedRegex(@"\bkamus_[a-z0-9_]+\b")]
    private static partial Regex MetricName();

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Kamus.Client.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Kamus.Client.sln not found above " + AppContext.BaseDirectory);
    }
}
