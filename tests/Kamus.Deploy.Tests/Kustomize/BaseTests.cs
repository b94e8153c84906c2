using k8s;
using k8s.Models;
using Kamus.Deploy.Tests.Rendering;
using YamlDotNet.Serialization;

namespace Kamus.Deploy.Tests.Kustomize;

/// <summary>`kubectl kustomize deploy/kubernetes`: the base that `kubectl apply -k deploy/kubernetes` applies.</summary>
public sealed class BaseTests
{
    private static RenderedManifests Base => Rendering.Kustomize.Render();

    [KubectlFact]
    public void The_server_runs_at_least_two_hardened_replicas_as_its_own_service_account()
    {
        var deployment = Assert.Single(Base.Deployments);
        var serviceAccount = Assert.Single(Base.All<V1ServiceAccount>());

        PodChecks.AssertHardened(deployment);
        Assert.True(deployment.Spec.Replicas >= 2);
        Assert.Equal(serviceAccount.Metadata.Name, deployment.Spec.Template.Spec.ServiceAccountName);
        Assert.Equal(serviceAccount.Metadata.NamespaceProperty, deployment.Metadata.NamespaceProperty);
        Assert.Equal("kamus", deployment.Metadata.NamespaceProperty);
        Assert.Single(Base.All<V1Namespace>(), n => n.Metadata.Name == "kamus");
        PodChecks.AssertDisruptionBudget(deployment, Base.All<V1PodDisruptionBudget>());
    }

    [KubectlFact]
    public void The_master_key_comes_from_a_secret_that_apply_k_never_creates()
    {
        var container = Base.Container("kamus");

        Assert.Empty(Base.All<V1Secret>());
        var key = Assert.Single(container.Env, e => e.Name == "KeyManagement__AES__Key");
        Assert.Null(key.Value);
        Assert.Equal(("kamus-master-key", "aes-key"), (key.ValueFrom.SecretKeyRef.Name, key.ValueFrom.SecretKeyRef.Key));
        Assert.Equal("AESKey", PodChecks.Env(container, "KeyManagement__Provider"));
        Assert.Equal("true", PodChecks.Env(container, "KeyManagement__AES__UseKeyDeriviation"));
    }

    [KubectlFact]
    public void The_example_secret_has_the_shape_the_deployment_reads_and_a_placeholder_the_server_refuses()
    {
        var example = (V1Secret)Assert.Single(KubernetesYaml.LoadAllFromString(File.ReadAllText(RepositoryPaths.Kustomize("examples/master-key-secret.yaml"))));
        var reference = Assert.Single(Base.Container("kamus").Env, e => e.Name == "KeyManagement__AES__Key").ValueFrom.SecretKeyRef;

        Assert.Equal((reference.Name, "kamus"), (example.Metadata.Name, example.Metadata.NamespaceProperty));
        var placeholder = example.StringData[reference.Key];
        Assert.False(Convert.TryFromBase64String(placeholder, new byte[64], out var written) && written == 32);
        // No kustomization lists it, so `kubectl apply -k` cannot create it (the overlays render no Secret either).
        var kustomizations = Directory.EnumerateFiles(RepositoryPaths.Kustomize(), "kustomization.yaml", SearchOption.AllDirectories);
        Assert.All(kustomizations, k => Assert.DoesNotContain(Resources(k), r => r.Contains("examples", StringComparison.Ordinal)));
    }

    [KubectlFact]
    public void The_example_ingress_exposes_the_encryptor_only_on_a_port_the_tls_overlay_serves()
    {
        var ingress = (V1Ingress)Assert.Single(KubernetesYaml.LoadAllFromString(File.ReadAllText(RepositoryPaths.Kustomize("examples/encryptor-ingress.yaml"))));
        var service = Rendering.Kustomize.Render("overlays/tls-cert-manager").Named<V1Service>("kamus-encryptor");

        var backend = Assert.Single(Assert.Single(ingress.Spec.Rules).Http.Paths).Backend.Service;
        Assert.Equal((service.Metadata.Name, service.Metadata.NamespaceProperty), (backend.Name, ingress.Metadata.NamespaceProperty));
        Assert.Contains(service.Spec.Ports, p => p.Name == backend.Port.Name);
    }

    [KubectlFact]
    public void The_decryptor_may_create_token_reviews_and_nothing_else()
    {
        var binding = Assert.Single(Base.All<V1ClusterRoleBinding>());
        var role = Base.Named<V1ClusterRole>(binding.RoleRef.Name);
        var deployment = Assert.Single(Base.Deployments);

        Assert.Equal(["authentication.k8s.io/tokenreviews:create"], Rbac.Grants(role.Rules));
        var subject = Assert.Single(binding.Subjects);
        Assert.Equal(("ServiceAccount", deployment.Spec.Template.Spec.ServiceAccountName, "kamus"), (subject.Kind, subject.Name, subject.NamespaceProperty));
        Assert.True(deployment.Spec.Template.Spec.AutomountServiceAccountToken);
    }

    [KubectlFact]
    public void Both_upstream_service_names_reach_the_server_and_the_decryptor_is_never_exposed()
    {
        var deployment = Assert.Single(Base.Deployments);
        var decryptor = Base.Named<V1Service>("kamus-decryptor");
        var encryptor = Base.Named<V1Service>("kamus-encryptor");

        PodChecks.AssertSelects(decryptor, deployment);
        PodChecks.AssertSelects(encryptor, deployment);
        Assert.Equal("ClusterIP", decryptor.Spec.Type);
        Assert.Equal(80, Assert.Single(decryptor.Spec.Ports).Port);
        Assert.Equal("http://+:8080", PodChecks.Env(Base.Container("kamus"), "ASPNETCORE_URLS"));
    }

    [KubectlFact]
    public void The_server_requires_the_audience_bound_token_the_docs_pod_spec_mounts()
    {
        var podSpec = DocsPodSpec.Read();

        Assert.Equal(podSpec.Audience, PodChecks.Env(Base.Container("kamus"), "Kamus__Audience"));
    }

    [KubectlFact]
    public void The_image_runs_as_the_user_the_manifests_ask_for()
    {
        var dockerfile = File.ReadAllLines(RepositoryPaths.File("deploy", "Dockerfile"));
        var runAsUser = Assert.Single(Base.Deployments).Spec.Template.Spec.SecurityContext.RunAsUser;
        var controllerUser = Rendering.Kustomize.Render("overlays/controller").Named<V1Deployment>("kamus-controller").Spec.Template.Spec.SecurityContext.RunAsUser;

        var user = Assert.Single(dockerfile, l => l.StartsWith("USER ", StringComparison.Ordinal));
        Assert.Equal($"USER {runAsUser}:{runAsUser}", user);
        Assert.Equal(runAsUser, controllerUser);
        Assert.Contains(dockerfile, l => l.Contains("\"Kamus.Server.dll\"", StringComparison.Ordinal));
        Assert.Contains(dockerfile, l => l.Contains("\"Kamus.Controller.dll\"", StringComparison.Ordinal));
    }

    private static IEnumerable<string> Resources(string kustomization)
    {
        var parsed = new DeserializerBuilder().Build().Deserialize<Dictionary<string, object>>(File.ReadAllText(kustomization));
        return parsed.TryGetValue("resources", out var resources) ? ((List<object>)resources).Cast<string>() : [];
    }
}
