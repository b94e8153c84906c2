using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using Kamus.Wire.Kubernetes;

namespace Kamus.Controller.Resources;

/// <summary>
/// A KamusSecret as the controller reads it: the shared <see cref="KamusSecretResource{TMetadata}"/> shape, upstream's
/// alias of <c>propagateAnnotations</c>, and this controller's <c>status</c>.
/// </summary>
internal sealed class KamusSecret : KamusSecretResource<V1ObjectMeta>, IKubernetesObject<V1ObjectMeta>
{
    /// <summary>Upstream Helm chart's name for <see cref="KamusSecretResource{TMetadata}.PropagateAnnotations"/>, read as an alias.</summary>
    [JsonPropertyName("annotationsInheritance")]
    public bool? AnnotationsInheritance { get; set; }

    [JsonPropertyName("status")]
    public KamusSecretStatus? Status { get; set; }

    /// <summary>The work-queue key, <c>namespace/name</c>.</summary>
    public string Key => KeyOf(Metadata.NamespaceProperty, Metadata.Name);

    public static string KeyOf(string @namespace, string name) => @namespace + "/" + name;

    /// <summary>Redacted: names the object only, never a value.</summary>
    public override string ToString() => $"KamusSecret {Key}";
}

/// <summary>A list of KamusSecrets, as the API answers a list.</summary>
internal sealed class KamusSecretList : IKubernetesObject<V1ListMeta>, IItems<KamusSecret>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = KamusSecretResource.GroupVersion;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = KamusSecretResource.ListKind;

    [JsonPropertyName("metadata")]
    public V1ListMeta Metadata { get; set; } = new();

    [JsonPropertyName("items")]
    public IList<KamusSecret> Items { get; set; } = [];
}

/// <summary>The status subresource: the generation last reconciled and the <c>Ready</c> condition.</summary>
internal sealed class KamusSecretStatus
{
    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; set; }

    [JsonPropertyName("conditions")]
    public IList<V1Condition>? Conditions { get; set; }
}
