using System.Text.Json.Nodes;
using k8s.Models;
using Kamus.Deploy.Tests.Rendering;

namespace Kamus.Deploy.Tests.Helm;

/// <summary>
/// `helm template` of deploy/helm/kamus with values files written against upstream's chart (deploy/helm/kamus/ci):
/// upstream's own defaults and one file per key provider, as upstream users have them.
/// </summary>
public sealed class UpstreamValuesTests
{
    private const string PublishedKey = "rWnWbaFutavdoeqUiVYMNJGvmjQh31qaIej/vAxJ9G0=";

    public static TheoryData<string> UpstreamValuesFiles => RepositoryPaths.ChartValuesFiles("upstream-*.yaml");

    [HelmTheory]
    [MemberData(nameof(UpstreamValuesFiles))]
    public void Each_renders_upstreams_three_workloads_with_upstreams_names_and_selectors(string valuesFile)
    {
        var manifests = HelmChart.Template(valuesFile);

        Assert.Equal(["kamus-controller", "kamus-decryptor", "kamus-encryptor"], manifests.Deployments.Select(d => d.Metadata.Name).Order(StringComparer.Ordinal));
        Assert.All(manifests.Deployments, d =>
        {
            // Upstream's selector exactly: a Deployment's selector is immutable, so `helm upgrade` needs the same one.
            var component = d.Metadata.Name["kamus-".Length..];
            Assert.Equal(new Dictionary<string, string> { ["app"] = "kamus", ["release"] = HelmChart.Release, ["component"] = component }, d.Spec.Selector.MatchLabels);
            Assert.Equal($"kamus-{component}", d.Spec.Template.Spec.ServiceAccountName);
            PodChecks.AssertHardened(d);
            PodChecks.AssertDisruptionBudget(d, manifests.All<V1PodDisruptionBudget>());
        });
        PodChecks.AssertSelects(manifests.Named<V1Service>("kamus-decryptor"), manifests.Named<V1Deployment>("kamus-decryptor"));
        PodChecks.AssertSelects(manifests.Named<V1Service>("kamus-encryptor"), manifests.Named<V1Deployment>("kamus-encryptor"));
        Assert.Equal("ClusterIP", manifests.Named<V1Service>("kamus-decryptor").Spec.Type);
        Assert.Single(manifests.All<V1CustomResourceDefinition>(), c => c.Metadata.Name == "kamussecrets.soluto.com");
    }

    [HelmTheory]
    [MemberData(nameof(UpstreamValuesFiles))]
    public void Each_gives_every_workload_its_key_material_from_a_secret_file_and_nothing_secret_in_its_environment(string valuesFile)
    {
        var manifests = HelmChart.Template(valuesFile);
        var secretName = manifests.All<V1Secret>().SingleOrDefault()?.Metadata.Name ?? "kamus-keys";

        Assert.All(manifests.Deployments, d =>
        {
            var pod = d.Spec.Template.Spec;
            var container = Assert.Single(pod.Containers);
            var volume = Assert.Single(pod.Volumes, v => v.Secret?.SecretName == secretName);
            Assert.Contains(container.VolumeMounts, m => m.Name == volume.Name && m.MountPath == "/app/appsettings.Production.json" && m.SubPath == "appsettings.secrets.json" && m.ReadOnlyProperty == true);
            Assert.Equal("Production", PodChecks.Env(container, "ASPNETCORE_ENVIRONMENT"));
            Assert.All(container.Env, e => Assert.Null(e.ValueFrom?.SecretKeyRef));
        });
        Assert.Empty(manifests.All<V1ConfigMap>());
    }

    [HelmFact]
    public void Upstreams_defaults_keep_the_published_key_in_the_secret_scale_by_hpa_and_run_this_projects_image()
    {
        var manifests = HelmChart.Template("upstream-default-values.yaml");
        var secret = manifests.Named<V1Secret>("kamus");

        Assert.Equal(PublishedKey, (string?)SecretSettings(secret)["KeyManagement"]?["AES"]?["Key"]);
        Assert.All(manifests.Deployments, d =>
        {
            var container = Assert.Single(d.Spec.Template.Spec.Containers);
            Assert.Equal("AESKey", PodChecks.Env(container, "KeyManagement__Provider"));
            Assert.Equal("false", PodChecks.Env(container, "KeyManagement__AES__UseKeyDeriviation"));
            Assert.StartsWith("kamus-dotnet/", container.Image, StringComparison.Ordinal);
            Assert.Equal(("600Mi", "500m"), (container.Resources.Limits["memory"].ToString(), container.Resources.Limits["cpu"].ToString()));
        });
        foreach (var component in new[] { "encryptor", "decryptor" })
        {
            var autoscaler = manifests.Named<V2HorizontalPodAutoscaler>($"kamus-{component}");
            Assert.Equal(($"kamus-{component}", 2, 10, 50), (autoscaler.Spec.ScaleTargetRef.Name, autoscaler.Spec.MinReplicas, autoscaler.Spec.MaxReplicas, Assert.Single(autoscaler.Spec.Metrics).Resource.Target.AverageUtilization));
            Assert.Null(manifests.Named<V1Deployment>($"kamus-{component}").Spec.Replicas);
        }

        var encryptor = manifests.Named<V1Service>("kamus-encryptor");
        Assert.Equal(("kamus-encryptor", 80), (Assert.Single(encryptor.Spec.Ports).Name, encryptor.Spec.Ports[0].Port));
        Assert.Equal("true", encryptor.Metadata.Annotations["prometheus.io/scrape"]);
        Assert.Equal("30", HelmChart.Template("upstream-aws-kms-values.yaml").Container("kamus-controller").Env.Single(e => e.Name == "Controller__ReconciliationIntervalInSeconds").Value);
    }

    [HelmFact]
    public void Aws_kms_settings_reach_the_environment_and_the_access_key_stays_in_the_secret()
    {
        var manifests = HelmChart.Template("upstream-aws-kms-values.yaml");
        var settings = SecretSettings(manifests.Named<V1Secret>("kamus"));

        Assert.All(manifests.Deployments, d =>
        {
            var container = Assert.Single(d.Spec.Template.Spec.Containers);
            PodChecks.AssertEnv(
                container,
                ("KeyManagement__Provider", "AwsKms"),
                ("KeyManagement__AwsKms__Region", "eu-west-1"),
                ("AWS_REGION", "eu-west-1"),
                ("KeyManagement__AwsKms__CmkPrefix", "prod"),
                ("KeyManagement__AwsKms__AutomaticKeyRotation", "true"));
            Assert.False(PodChecks.HasEnv(container, "KeyManagement__AwsKms__Key"));
            Assert.False(PodChecks.HasEnv(container, "KeyManagement__AwsKms__Secret"));
        });
        Assert.Equal("AKIAEXAMPLEKEYID0000", (string?)settings["KeyManagement"]?["AwsKms"]?["Key"]);
        Assert.Equal("example-aws-secret-access-key-not-real", (string?)settings["KeyManagement"]?["AwsKms"]?["Secret"]);
        Assert.All(manifests.All<V1ServiceAccount>(), a => Assert.Equal("arn:aws:iam::123456789012:role/kamus", a.Metadata.Annotations["eks.amazonaws.com/role-arn"]));
        var ingress = manifests.Named<V1Ingress>("kamus");
        var rule = Assert.Single(ingress.Spec.Rules);
        Assert.Equal(("kamus.example.com", "nginx", "kamus-ingress-tls"), (rule.Host, ingress.Spec.IngressClassName, Assert.Single(ingress.Spec.Tls).SecretName));
        var backend = Assert.Single(rule.Http.Paths).Backend.Service;
        Assert.Equal(("kamus-encryptor", 80), (backend.Name, backend.Port.Number));
    }

    [HelmFact]
    public void Azure_key_vault_settings_reach_the_environment_and_the_client_secret_stays_in_the_secret()
    {
        var manifests = HelmChart.Template("upstream-azure-key-vault-values.yaml");
        var container = manifests.Container("kamus-decryptor");

        PodChecks.AssertEnv(
            container,
            ("KeyManagement__Provider", "AzureKeyVault"),
            ("KeyManagement__KeyVault__Name", "kamus-prod"),
            ("KeyManagement__KeyVault__KeyType", "RSA-HSM"),
            ("KeyManagement__KeyVault__KeyLength", "2048"),
            ("KeyManagement__KeyVault__MaximumDataLength", "214"),
            ("ActiveDirectory__ClientId", "00000000-0000-0000-0000-000000000001"));
        Assert.False(PodChecks.HasEnv(container, "ActiveDirectory__ClientSecret"));
        Assert.Equal("example-azure-client-secret-not-real", (string?)SecretSettings(manifests.Named<V1Secret>("kamus"))["ActiveDirectory"]?["ClientSecret"]);
        Assert.All(manifests.Deployments, d => Assert.Equal("platform", d.Spec.Template.Metadata.Annotations["team"]));
    }

    [HelmFact]
    public void Google_kms_settings_reach_the_environment_and_the_key_file_is_mounted_from_the_secret()
    {
        var manifests = HelmChart.Template("upstream-google-kms-values.yaml");
        var container = manifests.Container("kamus-encryptor");
        var secret = manifests.Named<V1Secret>("kamus");

        PodChecks.AssertEnv(
            container,
            ("KeyManagement__Provider", "GoogleKms"),
            ("KeyManagement__GoogleKms__ProjectId", "kamus-prod"),
            ("KeyManagement__GoogleKms__Location", "global"),
            ("KeyManagement__GoogleKms__KeyRingName", "kamus"),
            ("KeyManagement__GoogleKms__ProtectionLevel", "HSM"),
            ("KeyManagement__GoogleKms__RotationPeriod", "7776000s"));
        var credentials = PodChecks.Env(container, "GOOGLE_APPLICATION_CREDENTIALS")!;
        var mount = Assert.Single(container.VolumeMounts, m => credentials.StartsWith(m.MountPath + "/", StringComparison.Ordinal));
        Assert.Null(mount.SubPath);
        var keyFile = JsonNode.Parse(secret.Data[Path.GetFileName(credentials)])!;
        Assert.Equal("service_account", (string?)keyFile["type"]);
    }

    [HelmFact]
    public void An_existing_secret_is_used_as_is_and_service_type_only_exposes_the_encryptor()
    {
        var manifests = HelmChart.Template("upstream-existing-secret-values.yaml");

        Assert.Empty(manifests.All<V1Secret>());
        Assert.Equal("NodePort", manifests.Named<V1Service>("kamus-encryptor").Spec.Type);
        Assert.Equal("ClusterIP", manifests.Named<V1Service>("kamus-decryptor").Spec.Type);
        Assert.All(manifests.Deployments, d =>
        {
            var pod = d.Spec.Template.Spec;
            Assert.Equal("true", PodChecks.Env(Assert.Single(pod.Containers), "KeyManagement__AES__UseKeyDeriviation"));
            Assert.Equal("linux", pod.NodeSelector["kubernetes.io/os"]);
            Assert.Equal((65534L, true, 64198L), (pod.SecurityContext.FsGroup, pod.SecurityContext.RunAsNonRoot == true, pod.SecurityContext.RunAsUser));
        });
    }

    private static JsonNode SecretSettings(V1Secret secret) => JsonNode.Parse(secret.Data["appsettings.secrets.json"])!;
}
