using System.Collections.Concurrent;

namespace Kamus.Deploy.Tests.Rendering;

/// <summary>Renders deploy/helm/kamus with <c>helm template</c> (release kamus, namespace kamus), once per set of values.</summary>
internal static class HelmChart
{
    public const string Release = "kamus";
    public const string Namespace = "kamus";

    private static readonly ConcurrentDictionary<string, Lazy<Manifests>> Rendered = new(StringComparer.Ordinal);

    /// <summary>
    /// Renders with the chart's ci/ values files and <c>--set</c> pairs ("tls.enabled=true"); a pair starting with
    /// "string:" goes through <c>--set-string</c> ("string:audience=").
    /// </summary>
    public static Manifests Template(string[] valuesFiles, params string[] set) =>
        Rendered.GetOrAdd(string.Join('|', [.. valuesFiles, "--", .. set]), _ => new Lazy<Manifests>(() =>
            new Manifests(ToolRun.Succeed(KubernetesTools.Helm, Arguments(RepositoryPaths.Chart, valuesFiles, set))))).Value;

    public static Manifests Template(string valuesFile) => Template([valuesFile]);

    /// <summary>A render that must fail: its exit code and error text.</summary>
    public static ToolResult TemplateFailing(string[] valuesFiles, params string[] set) =>
        ToolRun.Run(KubernetesTools.Helm, Arguments(RepositoryPaths.Chart, valuesFiles, set));

    public static ToolResult Lint(string valuesFile) =>
        ToolRun.Run(KubernetesTools.Helm, ["lint", "--strict", RepositoryPaths.Chart, "--namespace", Namespace, "-f", RepositoryPaths.ChartValues(valuesFile)]);

    /// <summary>
    /// NOTES.txt as `helm install` would print it. `helm template` skips NOTES.txt, so a copy of the chart gets one more
    /// template that renders the real NOTES.txt through helm's engine (tpl) into a ConfigMap.
    /// </summary>
    public static string Notes(string[] valuesFiles, params string[] set)
    {
        var chart = Directory.CreateTempSubdirectory("kamus-chart-").FullName;
        try
        {
            CopyFollowingLinks(RepositoryPaths.Chart, chart);
            File.Copy(Path.Combine(chart, "templates", "NOTES.txt"), Path.Combine(chart, "files", "NOTES.txt"));
            File.WriteAllText(Path.Combine(chart, "templates", "zz-notes.yaml"), """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: rendered-notes
                data:
                  NOTES.txt: {{ tpl (.Files.Get "files/NOTES.txt") . | quote }}
                """);
            var arguments = Arguments(chart, valuesFiles, set).Concat(["--show-only", "templates/zz-notes.yaml"]).ToArray();
            var rendered = new Manifests(ToolRun.Succeed(KubernetesTools.Helm, arguments));
            return Assert.Single(rendered.All<k8s.Models.V1ConfigMap>()).Data["NOTES.txt"];
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
