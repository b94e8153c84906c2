using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace Kamus.Cli.Secrets;

/// <summary>
/// A <c>soluto.com/v1alpha2</c> KamusSecret manifest, upstream's CRD: what <c>kamus encrypt-secret</c> prints. Safe to
/// commit: it holds ciphertexts, names and metadata only.
/// </summary>
internal sealed class KamusSecretManifest
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = "soluto.com/v1alpha2";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "KamusSecret";

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("serviceAccount")]
    public string? ServiceAccount { get; set; }

    [JsonPropertyName("propagateAnnotations")]
    public bool? PropagateAnnotations { get; set; }

    [JsonPropertyName("data")]
    public IDictionary<string, string>? Data { get; set; }

    [JsonPropertyName("stringData")]
    public IDictionary<string, string>? StringData { get; set; }

    /// <summary>The manifest as YAML (<c>kubectl apply -f</c>) or indented JSON.</summary>
    public string Format(bool json) => json
        ? JsonNode.Parse(KubernetesJson.Serialize(this))!.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + Environment.NewLine
        : KubernetesYaml.Serialize(this);
}
