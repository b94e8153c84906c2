using k8s.Models;

namespace Kamus.Deploy.Tests.Rendering;

/// <summary>
/// RBAC rules flattened to "group/resource:verb" strings ("...:verb[name]" when limited to named objects), so a test
/// states the exact set a role may do.
/// </summary>
internal static class Rbac
{
    public static string[] Grants(IEnumerable<V1PolicyRule> rules) =>
    [
        .. rules
            .SelectMany(r => r.ApiGroups.SelectMany(g => r.Resources.SelectMany(res => r.Verbs.Select(v =>
                $"{(g.Length == 0 ? "core" : g)}/{res}:{v}{(r.ResourceNames is { Count: > 0 } names ? $"[{string.Join(',', names)}]" : "")}"))))
            .Order(StringComparer.Ordinal),
    ];

    /// <summary>Every grant of the roles bound to a service account, through ClusterRoleBindings and RoleBindings.</summary>
    public static string[] GrantsOf(RenderedManifests manifests, string serviceAccount, string @namespace)
    {
        bool IsSubject(IEnumerable<Rbacv1Subject>? subjects) =>
            subjects?.Any(s => s.Kind == "ServiceAccount" && s.Name == serviceAccount && s.NamespaceProperty == @namespace) == true;

        var clusterRoles = manifests.All<V1ClusterRoleBinding>().Where(b => IsSubject(b.Subjects))
            .SelectMany(b => manifests.Named<V1ClusterRole>(b.RoleRef.Name).Rules);
        var roles = manifests.All<V1RoleBinding>().Where(b => IsSubject(b.Subjects))
            .Select(b => Assert.Single(manifests.All<V1Role>(), r => r.Metadata.Name == b.RoleRef.Name && r.Metadata.NamespaceProperty == b.Metadata.NamespaceProperty))
            .SelectMany(r => r.Rules.Select(rule => (Rule: rule, r.Metadata.NamespaceProperty)));
        return
        [
            .. Grants(clusterRoles),
            .. roles.SelectMany(r => Grants([r.Rule]).Select(g => $"{g} in {r.NamespaceProperty}")),
        ];
    }
}
