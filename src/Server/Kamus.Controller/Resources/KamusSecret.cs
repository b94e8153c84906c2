using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace Kamus.Controller.Resources;

/// <summary>
/// A <c>soluto.com/v1alpha2</c> KamusSecret, upstream's custom resource: encrypted <c>data</c> (each plaintext is base64
/// of the bytes) and <c>stringData</c> (each plaintext is the text), all for <c>serviceAccount</c> in the object's
/// namespace, plus this controller's <c>status</c>.
/// </summary>
internal sealed class KamusSecret : IKubernetesObject<V1ObjectMeta>
{
    public const string Group = "soluto.com";
    public const string Version = "v1alpha2";
    public const string Plural = "kamussecrets";
    public const string KindName = "KamusSecret";
    public const string GroupVersion = Group + "/" + Version;

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = GroupVersion;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = KindName;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("data")]
    public Dictionary<string, string>? Data { get; set; }

    [JsonPropertyName("stringData")]
    public Dictionary<string, string>? StringData { get; set; }

    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("serviceAccount")]
    public string? ServiceAccount { get; set; }

    [JsonPropertyName("propagateAnnotations")]
    public bool? PropagateAnnotations { get; set; }

    /// <summary>Upstream Helm chart's name for <see cref="PropagateAnnotations"/>, read as an alias.</summary>
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
    public string ApiVersion { get; set; } = KamusSecret.GroupVersion;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = KamusSecret.KindName + "List";

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
