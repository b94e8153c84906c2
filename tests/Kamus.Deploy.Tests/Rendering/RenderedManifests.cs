using k8s;
using k8s.Models;

namespace Kamus.Deploy.Tests.Rendering;

/// <summary>Rendered Kubernetes objects, typed by KubernetesClient's YAML support (cert-manager kinds as dictionaries).</summary>
internal sealed class RenderedManifests
{
    private static readonly Dictionary<string, Type> CustomKinds = new(StringComparer.Ordinal)
    {
        ["cert-manager.io/v1/Certificate"] = typeof(Dictionary<string, object>),
        ["cert-manager.io/v1/Issuer"] = typeof(Dictionary<string, object>),
    };

    public RenderedManifests(string yaml)
    {
        Yaml = yaml;
        Objects = KubernetesYaml.LoadAllFromString(yaml, CustomKinds);
    }

    /// <summary>The rendered text.</summary>
    public string Yaml { get; }

    public IReadOnlyList<object> Objects { get; }

    public IEnumerable<T> All<T>() => Objects.OfType<T>();

    public T Named<T>(string name)
        where T : IKubernetesObject<V1ObjectMeta> => Assert.Single(All<T>(), o => o.Metadata.Name == name);

    public IEnumerable<V1Deployment> Deployments => All<V1Deployment>();

    public V1Container Container(string deployment) => Assert.Single(Named<V1Deployment>(deployment).Spec.Template.Spec.Containers);

    /// <summary>cert-manager objects of a kind (Certificate, Issuer) as parsed YAML.</summary>
    public IEnumerable<Dictionary<string, object>> CertManager(string kind) =>
        All<Dictionary<string, object>>().Where(o => (string)o["kind"] == kind);
}
