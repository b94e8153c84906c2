using System.Collections.Concurrent;

namespace Kamus.Deploy.Tests.Rendering;

/// <summary>Renders a kustomization of deploy/kubernetes with <c>kubectl kustomize</c>, offline, once per directory.</summary>
internal static class Kustomize
{
    private static readonly ConcurrentDictionary<string, Lazy<RenderedManifests>> Rendered = new(StringComparer.Ordinal);

    /// <param name="directory">Relative to deploy/kubernetes ("" is the base that `kubectl apply -k deploy/kubernetes` applies).</param>
    public static RenderedManifests Render(string directory = "") =>
        Rendered.GetOrAdd(directory, d => new Lazy<RenderedManifests>(() =>
            new RenderedManifests(ToolRun.Succeed(KubernetesTools.Kubectl, ["kustomize", RepositoryPaths.Kustomize(d)])))).Value;
}
