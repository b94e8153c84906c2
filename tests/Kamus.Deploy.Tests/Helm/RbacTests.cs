using k8s.Models;
using Kamus.Deploy.Tests.Rendering;

namespace Kamus.Deploy.Tests.Helm;

/// <summary>Each workload of the chart has its own service account with exactly the rights it needs.</summary>
public sealed class RbacTests
{
    private static RenderedManifests Chart => HelmChart.Template("upstream-default-values.yaml");

    [HelmFact]
    public void The_decryptor_may_create_token_reviews_and_nothing_else()
    {
        Assert.Equal(["authentication.k8s.io/tokenreviews:create"], Rbac.GrantsOf(Chart, "kamus-decryptor", HelmChart.Namespace));
        Assert.True(Chart.Named<V1Deployment>("kamus-decryptor").Spec.Template.Spec.AutomountServiceAccountToken);
    }

    [HelmFact]
    public void The_encryptor_gets_no_token_and_no_rights()
    {
        Assert.Empty(Rbac.GrantsOf(Chart, "kamus-encryptor", HelmChart.Namespace));
        Assert.False(Chart.Named<V1ServiceAccount>("kamus-encryptor").AutomountServiceAccountToken);
        Assert.False(Chart.Named<V1Deployment>("kamus-encryptor").Spec.Template.Spec.AutomountServiceAccountToken);
    }

    [HelmFact]
    public void The_controller_gets_exactly_the_rights_reconciling_needs_the_same_as_with_kustomize()
    {
        Assert.Equal(ControllerRights.Expected(HelmChart.Namespace), Rbac.GrantsOf(Chart, "kamus-controller", HelmChart.Namespace));
        Assert.Equal("kamus-controller", PodChecks.Env(Chart.Container("kamus-controller"), "Controller__LeaderElection__LeaseName"));
    }

    [HelmFact]
    public void No_binding_takes_the_name_of_an_upstream_binding_with_another_role()
    {
        // ClusterRoleBindings upstream's chart has made (name -> roleRef). A binding's roleRef is immutable, so the same
        // name with another role would make `helm upgrade` from upstream's chart fail.
        var upstream = new Dictionary<string, string> { ["kamus"] = "kamus-controller", ["kamus-controller"] = "kamus" };

        Assert.All(Chart.All<V1ClusterRoleBinding>(), b =>
            Assert.True(!upstream.TryGetValue(b.Metadata.Name, out var role) || role == b.RoleRef.Name, b.Metadata.Name));
    }

    [HelmFact]
    public void No_rule_uses_a_wildcard_and_every_binding_names_one_of_the_charts_service_accounts()
    {
        var accounts = Chart.All<V1ServiceAccount>().Select(a => a.Metadata.Name).ToHashSet();
        var rules = Chart.All<V1ClusterRole>().SelectMany(r => r.Rules).Concat(Chart.All<V1Role>().SelectMany(r => r.Rules));
        var subjects = Chart.All<V1ClusterRoleBinding>().SelectMany(b => b.Subjects).Concat(Chart.All<V1RoleBinding>().SelectMany(b => b.Subjects));

        Assert.All(rules, r => Assert.DoesNotContain("*", r.Verbs.Concat(r.Resources).Concat(r.ApiGroups)));
        Assert.All(subjects, s => Assert.Contains(s.Name, accounts));
        Assert.Equal(3, accounts.Count);
    }
}
