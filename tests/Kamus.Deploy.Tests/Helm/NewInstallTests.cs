using k8s.Models;
using Kamus.Deploy.Tests.Rendering;

namespace Kamus.Deploy.Tests.Helm;

/// <summary>The chart's own keys (audience, TLS, key ring, limits, PKCS#11), as a new user sets them.</summary>
public sealed class NewInstallTests
{
    [HelmFact]
    public void The_audience_is_set_for_both_server_workloads_by_default_and_never_for_the_controller()
    {
        var manifests = HelmChart.Template("upstream-aws-kms-values.yaml");

        Assert.Equal("kamus", PodChecks.Env(manifests.Container("kamus-decryptor"), "Kamus__Audience"));
        Assert.Equal("kamus", PodChecks.Env(manifests.Container("kamus-encryptor"), "Kamus__Audience"));
        Assert.False(PodChecks.HasEnv(manifests.Container("kamus-controller"), "Kamus__Audience"));
        Assert.Equal("orders", PodChecks.Env(HelmChart.Template(["upstream-aws-kms-values.yaml"], "audience=orders").Container("kamus-decryptor"), "Kamus__Audience"));
    }

    [HelmTheory]
    [InlineData("", "upstream's decryptor: no Kamus__Audience")]
    [InlineData("orders", "this chart's decryptor with audience orders")]
    public void An_upgrade_keeps_the_audience_of_the_running_decryptor(string audience, string running)
    {
        // What `lookup` returns for the running kamus-decryptor on `helm upgrade` (helm template has no cluster to ask).
        var env = audience.Length == 0 ? "[{name: KeyManagement__Provider, value: AESKey}]" : $"[{{name: Kamus__Audience, value: {audience}}}]";
        var deployment = $"kind: Deployment\nspec: {{template: {{spec: {{containers: [{{name: decryptor-api, env: {env}}}]}}}}}}\n";

        var read = HelmChart.Probe("""include "kamus.runningAudience" (.Files.Get "files/running.yaml" | fromYaml)""", new Dictionary<string, string> { ["files/running.yaml"] = deployment }, ["upstream-aws-kms-values.yaml"]);

        Assert.True(audience == read, running);
    }

    [HelmFact]
    public void With_tls_from_cert_manager_the_servers_speak_https_from_the_certificates_secret()
    {
        var manifests = HelmChart.Template("new-install-values.yaml");
        var certificate = Assert.Single(manifests.CertManager("Certificate"));
        var spec = (Dictionary<object, object>)certificate["spec"];
        var issuer = (Dictionary<object, object>)spec["issuerRef"];

        Assert.Equal(("internal-ca", "ClusterIssuer", "cert-manager.io"), ((string)issuer["name"], (string)issuer["kind"], (string)issuer["group"]));
        Assert.Contains("kamus-decryptor.kamus.svc.cluster.local", ((List<object>)spec["dnsNames"]).Cast<string>());
        foreach (var name in new[] { "kamus-encryptor", "kamus-decryptor" })
        {
            var deployment = manifests.Named<V1Deployment>(name);
            var container = Assert.Single(deployment.Spec.Template.Spec.Containers);
            Assert.Equal("https://+:8443", PodChecks.Env(container, "ASPNETCORE_URLS"));
            Assert.Equal("/etc/kamus/tls/tls.crt", PodChecks.Env(container, "Kestrel__Certificates__Default__Path"));
            Assert.Contains(deployment.Spec.Template.Spec.Volumes, v => v.Secret?.SecretName == (string)spec["secretName"]);
            Assert.Equal("HTTPS", container.ReadinessProbe.HttpGet.Scheme);
            var port = Assert.Single(manifests.Named<V1Service>(name).Spec.Ports);
            Assert.Equal(("https", 443), (port.TargetPort.Value, port.Port));
        }

        Assert.Equal("http://+:8080", PodChecks.Env(manifests.Container("kamus-controller"), "ASPNETCORE_URLS"));
    }

    [HelmFact]
    public void Bring_your_own_certificate_names_its_secret()
    {
        var manifests = HelmChart.Template(["upstream-aws-kms-values.yaml"], "tls.enabled=true", "tls.secretName=my-tls");

        Assert.Empty(manifests.CertManager("Certificate"));
        Assert.Contains(manifests.Named<V1Deployment>("kamus-decryptor").Spec.Template.Spec.Volumes, v => v.Secret?.SecretName == "my-tls");
    }

    [HelmFact]
    public void Limits_and_the_key_ring_reach_the_server()
    {
        var manifests = HelmChart.Template(["new-install-values.yaml"], "keyManagement.keyRing.keys.k1=AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=", "keyManagement.keyRing.currentKeyId=k1");
        var container = manifests.Container("kamus-decryptor");
        var settings = System.Text.Json.Nodes.JsonNode.Parse(manifests.Named<V1Secret>("kamus").Data["appsettings.secrets.json"])!;

        PodChecks.AssertEnv(
            container,
            ("Kamus__Limits__MaxRequestBodyBytes", "2097152"),
            ("Kamus__Limits__MaxBatchItems", "1000"),
            ("KeyManagement__KeyRing__CurrentKeyId", "k1"));
        Assert.Equal("AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=", (string?)settings["KeyManagement"]?["KeyRing"]?["Keys"]?["k1"]);
        Assert.Equal("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", (string?)settings["KeyManagement"]?["AES"]?["Key"]);
    }

    [HelmFact]
    public void Rate_limits_reach_the_servers_including_zero_which_turns_one_off()
    {
        var manifests = HelmChart.Template("new-install-values.yaml");

        foreach (var name in new[] { "kamus-encryptor", "kamus-decryptor" })
        {
            PodChecks.AssertEnv(manifests.Container(name), ("Kamus__RateLimits__TokenReviewsPerMinute", "0"), ("Kamus__RateLimits__EncryptRequestsPerMinute", "60"));
        }

        Assert.DoesNotContain(HelmChart.Template("upstream-aws-kms-values.yaml").Container("kamus-decryptor").Env, e => e.Name.StartsWith("Kamus__RateLimits__", StringComparison.Ordinal));
    }

    [HelmFact]
    public void Offline_keys_are_wrapped_secrets_in_the_secret_and_their_epoch_reaches_every_workload()
    {
        var manifests = HelmChart.Template("new-install-values.yaml");
        var offline = System.Text.Json.Nodes.JsonNode.Parse(manifests.Named<V1Secret>("kamus").Data["appsettings.secrets.json"])!["KeyManagement"]!["Offline"]!;

        Assert.Equal("offline-seed.v1.k0.example-sealed-seed-not-real", (string?)offline["Seed"]);
        Assert.Equal("offline-signing-key.v1.k0.example-sealed-signing-key-not-real", (string?)offline["SigningKey"]);
        Assert.All(manifests.Deployments, d => PodChecks.AssertEnv(
            Assert.Single(d.Spec.Template.Spec.Containers),
            ("KeyManagement__Offline__CurrentEpoch", "2"),
            ("KeyManagement__Offline__StatementLifetime", "180.00:00:00")));
    }

    [HelmFact]
    public void Pkcs11_settings_reach_the_environment_and_the_pin_is_a_file_from_the_secret()
    {
        var manifests = HelmChart.Template("pkcs11-values.yaml");
        var container = manifests.Container("kamus-decryptor");
        var secret = manifests.Named<V1Secret>("kamus");

        PodChecks.AssertEnv(
            container,
            ("KeyManagement__Provider", "Pkcs11"),
            ("KeyManagement__Pkcs11__ModulePath", "/opt/hsm/lib/libsofthsm2.so"),
            ("KeyManagement__Pkcs11__TokenLabel", "kamus"),
            ("KeyManagement__Pkcs11__CurrentKeyLabel", "k1"));
        Assert.Equal(("k1", "k0"), (PodChecks.Env(container, "KeyManagement__Pkcs11__KeyLabels__0"), PodChecks.Env(container, "KeyManagement__Pkcs11__KeyLabels__1")));
        Assert.Equal("8", PodChecks.Env(container, "KeyManagement__Pkcs11__MaxSessions"));
        var pinFile = PodChecks.Env(container, "KeyManagement__Pkcs11__PinFile")!;
        Assert.Equal("123456", System.Text.Encoding.UTF8.GetString(secret.Data[Path.GetFileName(pinFile)]));
        Assert.Contains(container.VolumeMounts, m => pinFile.StartsWith(m.MountPath + "/", StringComparison.Ordinal) && m.SubPath is null);
        Assert.DoesNotContain(container.Env, e => e.Name is "KeyManagement__Pkcs11__Pin" or "KAMUS_PKCS11_PIN");
        Assert.Contains(container.VolumeMounts, m => m is { Name: "hsm", MountPath: "/opt/hsm" });
    }
}
