namespace Kamus.Testing.Kubernetes;

/// <summary>
/// A namespaced resource type the <see cref="KubernetesApiStandIn"/> serves: where it lives in the URL space and which
/// API-server rules apply to it.
/// </summary>
/// <param name="Group">The API group; empty for the core group (<c>/api/v1</c>).</param>
/// <param name="Version">The version, for example <c>v1</c>.</param>
/// <param name="Plural">The plural resource name used in URLs, for example <c>secrets</c>.</param>
/// <param name="Kind">The kind, for example <c>Secret</c>.</param>
/// <param name="HasStatusSubresource">Whether <c>/status</c> is a subresource: the main resource then ignores status and the subresource ignores everything else.</param>
/// <param name="TracksGeneration">Whether <c>metadata.generation</c> is set and bumped when anything outside metadata and status changes.</param>
/// <param name="RequiresResourceVersionOnUpdate">Whether a PUT without <c>metadata.resourceVersion</c> is refused (422), as for custom resources.</param>
public sealed record ApiResource(string Group, string Version, string Plural, string Kind, bool HasStatusSubresource, bool TracksGeneration, bool RequiresResourceVersionOnUpdate)
{
    /// <summary>Core <c>v1</c> Secrets.</summary>
    public static ApiResource Secrets { get; } = new("", "v1", "secrets", "Secret", false, false, false);

    /// <summary>Core <c>v1</c> Events.</summary>
    public static ApiResource Events { get; } = new("", "v1", "events", "Event", false, false, false);

    /// <summary><c>coordination.k8s.io/v1</c> Leases.</summary>
    public static ApiResource Leases { get; } = new("coordination.k8s.io", "v1", "leases", "Lease", false, false, false);

    /// <summary>Kamus's custom resource, <c>soluto.com/v1alpha2</c> KamusSecrets, with the status subresource.</summary>
    public static ApiResource KamusSecrets { get; } = new("soluto.com", "v1alpha2", "kamussecrets", "KamusSecret", true, true, true);

    /// <summary>The resources a new stand-in serves.</summary>
    public static IReadOnlyList<ApiResource> Defaults { get; } = [Secrets, Events, Leases, KamusSecrets];

    /// <summary><c>v1</c> or <c>group/version</c>, as in an object's <c>apiVersion</c>.</summary>
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>Whether this is a built-in type (list items then carry no kind and apiVersion, as the real API server answers).</summary>
    public bool IsBuiltIn => Group.Length == 0 || Group.EndsWith(".k8s.io", StringComparison.Ordinal);

    /// <summary><c>plural.group</c>, the name RBAC rules and messages use (<c>secrets</c> for the core group).</summary>
    public string QualifiedName => Group.Length == 0 ? Plural : $"{Plural}.{Group}";
}
