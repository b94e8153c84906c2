using System.Text.Json.Serialization;

namespace Kamus.Wire.Kubernetes;

/// <summary>Names of upstream's KamusSecret custom resource definition (<c>soluto.com/v1alpha2</c>).</summary>
internal static class KamusSecretResource
{
    public const string Group = "soluto.com";
    public const string Version = "v1alpha2";
    public const string Plural = "kamussecrets";
    public const string Kind = "KamusSecret";
    public const string ListKind = Kind + "List";
    public const string GroupVersion = Group + "/" + Version;
}

/// <summary>
/// A <c>soluto.com/v1alpha2</c> KamusSecret, upstream's custom resource: encrypted <c>data</c> (each plaintext is base64
/// of the bytes) and <c>stringData</c> (each plaintext is the text), all for <c>serviceAccount</c> in the object's
/// namespace. The one shape <c>kamus encrypt-secret</c> writes and the controller reads; each adds what only it needs
/// (the CLI its formatting, the controller <c>status</c> and upstream's aliases).
/// </summary>
/// <typeparam name="TMetadata">
/// The object metadata type (KubernetesClient's <c>V1ObjectMeta</c> in both users): generic so that this assembly, which
/// <c>Kamus.Client</c> ships with, does not depend on KubernetesClient.
/// </typeparam>
/// <remarks>
/// The property order is the order <c>kamus encrypt-secret</c> prints (users commit that output, so keep it); readers
/// do not depend on it. Safe to log or commit: it holds ciphertexts, names and metadata only.
/// </remarks>
internal abstract class KamusSecretResource<TMetadata>
    where TMetadata : class, new()
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = KamusSecretResource.GroupVersion;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = KamusSecretResource.Kind;

    [JsonPropertyName("metadata")]
    public TMetadata Metadata { get; set; } = new();

    /// <summary>The Secret's type (<c>Opaque</c> when absent).</summary>
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    /// <summary>The service account (in the object's namespace) the values were encrypted for.</summary>
    [JsonPropertyName("serviceAccount")]
    public string? ServiceAccount { get; set; }

    /// <summary>Whether the Secret gets the KamusSecret's annotations.</summary>
    [JsonPropertyName("propagateAnnotations")]
    public bool? PropagateAnnotations { get; set; }

    /// <summary>Ciphertexts of base64 plaintexts, by Secret key.</summary>
    [JsonPropertyName("data")]
    public Dictionary<string, string>? Data { get; set; }

    /// <summary>Ciphertexts of text plaintexts, by Secret key.</summary>
    [JsonPropertyName("stringData")]
    public Dictionary<string, string>? StringData { get; set; }
}
