using System.Text.Json;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using Kamus.Wire.Kubernetes;

namespace Kamus.Cli.Secrets;

/// <summary>
/// The KamusSecret manifest <c>kamus encrypt-secret</c> prints (the shared <see cref="KamusSecretResource{TMetadata}"/>
/// shape). Safe to commit: it holds ciphertexts, names and metadata only.
/// </summary>
internal sealed class KamusSecretManifest : KamusSecretResource<V1ObjectMeta>
{
    /// <summary>The manifest as YAML (<c>kubectl apply -f</c>) or indented JSON.</summary>
    public string Format(bool json) => json
        ? JsonSerializer.Serialize(this, KamusSecretManifestJsonContext.Default.KamusSecretManifest) + Environment.NewLine
        : KubernetesYaml.Serialize(this);
}

/// <summary>
/// System.Text.Json source generation for the JSON manifest (trimming- and AOT-safe): indented, absent fields left out,
/// and the default escaping (<c>+</c> as <c>\u002B</c>) that the tool has always printed.
/// </summary>
[JsonSourceGenerationOptions(WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(KamusSecretManifest))]
internal sealed partial class KamusSecretManifestJsonContext : JsonSerializerContext;
