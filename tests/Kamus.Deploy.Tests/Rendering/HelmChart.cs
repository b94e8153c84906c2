using System.Collections.Concurrent;

namespace Kamus.Deploy.Tests.Rendering;

/// <summary>Renders deploy/helm/kamus with <c>helm template</c> (release kamus, namespace kamus), once per set of values.</summary>
internal static class HelmChart
{
    public const string Release = "kamus";
    public const string Namespace = "kamus";

    private static readonly ConcurrentDictionary<string, Lazy<RenderedManifests>> Rendered = new(StringComparer.Ordinal);

    /// <summary>
    /// Renders with the chart's ci/ values files and <c>--set</c> pairs ("tls.enabled=true"); a pair starting with
    /// "string:" goes through <c>--set-string</c> ("string:audience=").
    /// </summary>
    public static RenderedManifests Template(string[] valuesFiles, params string[] set) =>
        Rendered.GetOrAdd(string.Join('|', [.. valuesFiles, "--", .. set]), _ => new Lazy<RenderedManifests>(() =>
            new RenderedManifests(ToolRun.Succeed(KubernetesTools.Helm, Arguments(RepositoryPaths.Chart, valuesFiles, set))))).Value;

    public static RenderedManifests Template(string valuesFile) => Template([valuesFile]);

    /// <summary>A render that must fail: its exit code and error text.</summary>
    public static ToolResult TemplateFailing(string[] valuesFiles, params string[] set) =>
        ToolRun.Run(KubernetesTools.Helm, Arguments(RepositoryPaths.Chart, valuesFiles, set));

    public static ToolResult Lint(string valuesFile) =>
        ToolRun.Run(KubernetesTools.Helm, ["lint", "--strict", RepositoryPaths.Chart, "--namespace", Namespace, "-f", RepositoryPaths.ChartValues(valuesFile)]);

    /// <summary>
    /// NOTES.txt as `helm install` and `helm upgrade` print it (`helm template` skips NOTES.txt): rendered through
    /// helm's engine with tpl, by a probe template in a copy of the chart.
    /// </summary>
    public static string Notes(string[] valuesFiles, params string[] set) =>
        Probe("""tpl (.Files.Get "files/NOTES.txt") .""", new Dictionary<string, string>
        {
            ["files/NOTES.txt"] = File.ReadAllText(Path.Combine(RepositoryPaths.Chart, "templates", "NOTES.txt")),
        }, valuesFiles, set);

    /// <summary>
    /// Renders <paramref name="expression"/> (a template expression over the chart's helpers) in a copy of the chart
    /// that also holds <paramref name="files"/>, and returns the text it produced.
    /// </summary>
    public static string Probe(string expression, IReadOnlyDictionary<string, string> files, string[] valuesFiles, params string[] set)
    {
        var chart = Directory.CreateTempSubdirectory("kamus-chart-").FullName;
        try
        {
            CopyFollowingLinks(RepositoryPaths.Chart, chart);
            foreach (var (path, content) in files)
            {
                File.WriteAllText(Path.Combine(chart, path), content);
            }

            File.WriteAllText(Path.Combine(chart, "templates", "zz-probe.yaml"), $$$"""
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: probe
                data:
                  result: {{ ({{{expression}}}) | toString | quote }}
                """);
            var arguments = Arguments(chart, valuesFiles, set).Concat(["--show-only", "templates/zz-probe.yaml"]).ToArray();
            var rendered = new RenderedManifests(ToolRun.Succeed(KubernetesTools.Helm, arguments));
            return Assert.Single(rendered.All<k8s.Models.V1ConfigMap>()).Data["result"];
        }
        finally
        {
            Directory.Delete(chart, recursive: true);
        }
    }

    private static string[] Arguments(string chart, string[] valuesFiles, string[] set) =>
    [
        "template", Release, chart, "--namespace", Namespace,
        .. valuesFiles.SelectMany(f => new[] { "-f", RepositoryPaths.ChartValues(f) }),
        .. set.SelectMany(s => s.StartsWith("string:", StringComparison.Ordinal) ? new[] { "--set-string", s["string:".Length..] } : ["--set", s]),
    ];

    private static void CopyFollowingLinks(string from, string to)
    {
        foreach (var directory in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, directory)));
        }

        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
        }
    }
}
