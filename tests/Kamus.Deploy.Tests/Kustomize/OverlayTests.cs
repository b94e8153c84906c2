using k8s.Models;
using Kamus.Deploy.Tests.Rendering;

namespace Kamus.Deploy.Tests.Kustomize;

/// <summary>The overlays of deploy/kubernetes/overlays: split, TLS (cert-manager or your own), controller, all of them.</summary>
public sealed class OverlayTests
{
    public static TheoryData<string> Overlays => new(Directory.EnumerateDirectories(RepositoryPaths.Kustomize("overlays"))
        .Select(d => "overlays/" + Path.GetFileName(d)).Order(StringComparer.Ordinal));

    [KubectlTheory]
    [MemberData(nameof(Overlays))]
    public void Every_workload_is_hardened_with_a_disruption_budget_and_a_service_account_of_its_own(string overlay)
    {
        var manifests = Rendering.Kustomize.Render(overlay);

        Assert.Empty(manifests.All<V1Secret>());
        Assert.All(manifests.Deployments, d =>
        {
            PodChecks.AssertHardened(d);
            PodChecks.AssertDisruptionBudget(d, manifests.All<V1PodDisruptionBudget>());
            Assert.True(d.Spec.Replicas >= 2, d.Metadata.Name);
            var account = manifests.Named<V1ServiceAccount>(d.Spec.Template.Spec.ServiceAccountName);
            Assert.Equal(d.Metadata.NamespaceProperty, account.Metadata.NamespaceProperty);
        });
        Assert.Equal(manifests.Deployments.Count(), manifests.Deployments.Select(d => d.Spec.Template.Spec.ServiceAccountName).Distinct().Count());
    }

    [KubectlFact]
    public void The_split_encryptor_has_no_token_and_no_rbac_and_owns_the_encryptor_service()
    {
        var manifests = Rendering.Kustomize.Render("overlays/split");
        var encryptor = manifests.Named<V1Deployment>("kamus-encryptor");
        var decryptor = manifests.Named<V1Deployment>("kamus");

        Assert.False(encryptor.Spec.Template.Spec.AutomountServiceAccountToken);
        Assert.False(manifests.Named<V1ServiceAccount>("kamus-encryptor").AutomountServiceAccountToken);
        Assert.Empty(Rbac.GrantsOf(manifests, "kamus-encryptor", "kamus"));
        Assert.Equal(["authentication.k8s.io/tokenreviews:create"], Rbac.GrantsOf(manifests, "kamus", "kamus"));
        Assert.Equal([encryptor], PodChecks.Selected(manifests.Named<V1Service>("kamus-encryptor"), manifests.Deployments));
        Assert.Equal([decryptor], PodChecks.Selected(manifests.Named<V1Service>("kamus-decryptor"), manifests.Deployments));
        Assert.Equal("kamus", decryptor.Spec.Template.Spec.ServiceAccountName);
    }

    [KubectlTheory]
    [InlineData("overlays/tls-cert-manager")]
    [InlineData("overlays/tls-bring-your-own")]
    [InlineData("overlays/production")]
    public void With_tls_every_server_pod_and_service_speaks_only_https_from_the_kamus_tls_secret(string overlay)
    {
        var manifests = Rendering.Kustomize.Render(overlay);
        var servers = manifests.Deployments.Where(d => d.Metadata.Name != "kamus-controller").ToList();

        Assert.NotEmpty(servers);
        Assert.All(servers, d =>
        {
            var container = Assert.Single(d.Spec.Template.Spec.Containers);
            PodChecks.AssertEnv(
                container,
                ("ASPNETCORE_URLS", "https://+:8443"),
                ("Kestrel__Certificates__Default__Path", "/etc/kamus/tls/tls.crt"),
                ("Kestrel__Certificates__Default__KeyPath", "/etc/kamus/tls/tls.key"));
            var port = Assert.Single(container.Ports);
            Assert.Equal(("https", 8443), (port.Name, port.ContainerPort));
            Assert.All(new[] { container.StartupProbe, container.ReadinessProbe, container.LivenessProbe }, p => Assert.Equal("HTTPS", p.HttpGet.Scheme));
            var volume = Assert.Single(d.Spec.Template.Spec.Volumes, v => v.Secret?.SecretName == "kamus-tls");
            Assert.Contains(container.VolumeMounts, m => m.Name == volume.Name && m.MountPath == "/etc/kamus/tls" && m.ReadOnlyProperty == true);
        });
        Assert.All(manifests.All<V1Service>(), s => Assert.Equal(("https", 443), (Assert.Single(s.Spec.Ports).Name, s.Spec.Ports[0].Port)));
    }

    [KubectlFact]
    public void The_docs_pod_spec_reaches_the_decryptor_over_https_with_the_audience_the_server_requires()
    {
        var podSpec = DocsPodSpec.Read();
        var manifests = Rendering.Kustomize.Render("overlays/tls-cert-manager");
        var hostParts = podSpec.KamusUrl.Host.Split('.');

        Assert.Equal("https", podSpec.KamusUrl.Scheme);
        Assert.Equal(["svc", "cluster", "local"], hostParts[2..]);
        var service = manifests.Named<V1Service>(hostParts[0]);
        Assert.Equal(hostParts[1], service.Metadata.NamespaceProperty);
        Assert.Equal(podSpec.KamusUrl.Port, Assert.Single(service.Spec.Ports).Port);
        var pods = PodChecks.Selected(service, manifests.Deployments);
        Assert.All(pods, d => Assert.Equal(podSpec.Audience, PodChecks.Env(Assert.Single(d.Spec.Template.Spec.Containers), "Kamus__Audience")));
        var certificate = Assert.Single(manifests.CertManager("Certificate"), c => Spec(c)["secretName"] as string == "kamus-tls");
        Assert.Contains(podSpec.KamusUrl.Host, DnsNames(certificate));
    }

    [KubectlFact]
    public void The_cert_manager_certificate_names_every_service_and_chains_to_an_issuer_it_ships()
    {
        var manifests = Rendering.Kustomize.Render("overlays/tls-cert-manager");
        var certificate = Assert.Single(manifests.CertManager("Certificate"), c => Spec(c)["secretName"] as string == "kamus-tls");
        var issuers = manifests.CertManager("Issuer").Select(i => (string)((Dictionary<object, object>)i["metadata"])["name"]).ToList();

        Assert.All(manifests.All<V1Service>(), s =>
        {
            Assert.Contains($"{s.Metadata.Name}.{s.Metadata.NamespaceProperty}.svc", DnsNames(certificate));
            Assert.Contains($"{s.Metadata.Name}.{s.Metadata.NamespaceProperty}.svc.cluster.local", DnsNames(certificate));
        });
        var issuerRef = (Dictionary<object, object>)Spec(certificate)["issuerRef"];
        Assert.Contains((string)issuerRef["name"], issuers);
    }

    [KubectlFact]
    public void The_controller_gets_exactly_the_rights_reconciling_needs_and_its_settings()
    {
        var manifests = Rendering.Kustomize.Render("overlays/controller");
        var controller = manifests.Named<V1Deployment>("kamus-controller");
        var container = Assert.Single(controller.Spec.Template.Spec.Containers);

        Assert.Equal(ControllerRights.Expected("kamus"), Rbac.GrantsOf(manifests, "kamus-controller", "kamus"));
        Assert.Equal("metadata.namespace", Assert.Single(container.Env, e => e.Name == "POD_NAMESPACE").ValueFrom.FieldRef.FieldPath);
        PodChecks.AssertEnv(
            container,
            ("Controller__ReconciliationIntervalInSeconds", "60"),
            ("Controller__SetOwnerReference", "true"),
            ("Controller__LeaderElection__LeaseName", "kamus-controller"),
            ("KeyManagement__Provider", "AESKey"));
        Assert.Equal("kamus-master-key", Assert.Single(container.Env, e => e.Name == "KeyManagement__AES__Key").ValueFrom.SecretKeyRef.Name);
        Assert.Single(manifests.All<V1CustomResourceDefinition>());
    }

    private static Dictionary<object, object> Spec(Dictionary<string, object> certManagerObject) => (Dictionary<object, object>)certManagerObject["spec"];

    private static List<string> DnsNames(Dictionary<string, object> certificate) =>
        [.. ((List<object>)Spec(certificate)["dnsNames"]).Cast<string>()];
}
