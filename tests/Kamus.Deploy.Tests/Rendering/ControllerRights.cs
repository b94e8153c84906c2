namespace Kamus.Deploy.Tests.Rendering;

/// <summary>
/// What the KamusSecret controller may do, and nothing more: read KamusSecrets and write their status, manage Secrets,
/// record Events, and hold its one leader-election Lease in its own namespace only.
/// </summary>
internal static class ControllerRights
{
    public static string[] Expected(string @namespace) =>
    [
        .. new[]
        {
            "core/events:create",
            "core/secrets:get", "core/secrets:create", "core/secrets:update", "core/secrets:delete",
            "soluto.com/kamussecrets:list", "soluto.com/kamussecrets:watch",
            "soluto.com/kamussecrets/status:patch",
        }.Order(StringComparer.Ordinal),
        .. new[] { "coordination.k8s.io/leases:create", "coordination.k8s.io/leases:get[kamus-controller]", "coordination.k8s.io/leases:update[kamus-controller]" }
            .Order(StringComparer.Ordinal).Select(g => $"{g} in {@namespace}"),
    ];
}
