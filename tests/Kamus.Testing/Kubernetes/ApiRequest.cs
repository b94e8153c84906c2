namespace Kamus.Testing.Kubernetes;

/// <summary>
/// One request to a resource, in the terms RBAC checks: verb (<c>get</c>, <c>list</c>, <c>watch</c>, <c>create</c>,
/// <c>update</c>, <c>patch</c>, <c>delete</c>), API group, resource, subresource, namespace and name.
/// </summary>
/// <param name="Verb">The RBAC verb.</param>
/// <param name="Group">The API group (empty for core).</param>
/// <param name="Resource">The plural resource name.</param>
/// <param name="Subresource">For example <c>status</c>, or <see langword="null"/>.</param>
/// <param name="Namespace">The namespace, or <see langword="null"/> for an all-namespaces collection.</param>
/// <param name="Name">The object's name, or <see langword="null"/> for a collection.</param>
/// <param name="StatusCode">The HTTP status answered (0 before it is answered).</param>
public sealed record ApiRequest(string Verb, string Group, string Resource, string? Subresource, string? Namespace, string? Name, int StatusCode = 0)
{
    /// <summary><c>resource</c> or <c>resource/subresource</c>, as RBAC rules name it.</summary>
    public string RbacResource => Subresource is null ? Resource : $"{Resource}/{Subresource}";
}
