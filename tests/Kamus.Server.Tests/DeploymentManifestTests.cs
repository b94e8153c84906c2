using k8s;
using k8s.Models;

namespace Kamus.Server.Tests;

/// <summary>Loads deploy/kubernetes with KubernetesClient's YAML support and checks what a safe deployment needs.</summary>
public sealed class DeploymentManifestTests
{
    private static readonly Lazy<List<object>> Objects = new(Load);

    [Fact]
    public void The_deployment_runs_as_its_own_non_root_service_account_with_a_read_only_root_filesystem_and_limits()
    {
        var deployment = Single<V1Deployment>();
        var pod = deployment.Spec.Template.Spec;
        var serviceAccount = Single<V1ServiceAccount>();

        Assert.Equal(serviceAccount.Metadata.Name, pod.ServiceAccountName);
        Assert.Equal(serviceAccount.Metadata.NamespaceProperty, deployment.Metadata.NamespaceProperty);
        Assert.True(pod.SecurityContext.RunAsNonRoot);
        Assert.NotEqual(0, pod.SecurityContext.RunAsUser);
        var container = Assert.Single(pod.Containers);
        Assert.True(container.SecurityContext.ReadOnlyRootFilesystem);
        Assert.False(container.SecurityContext.AllowPrivilegeEscalation);
        Assert.True(container.SecurityContext.RunAsNonRoot);
        Assert.Contains("ALL", container.SecurityContext.Capabilities.Drop);
        Assert.True(container.Resources.Limits.ContainsKey("cpu"));
        Assert.True(container.Resources.Limits.ContainsKey("memory"));
        Assert.True(container.Resources.Requests.ContainsKey("memory"));
        Assert.Equal("/healthz", container.ReadinessProbe.HttpGet.Path);
        Assert.Equal("/healthz", container.LivenessProbe.HttpGet.Path);
    }

    [Fact]
    public void The_master_key_comes_from_a_secret_never_from_a_literal()
    {
        var container = Single<V1Deployment>().Spec.Template.Spec.Containers[0];
        var secret = Single<V1Secret>();

        var key = Assert.Single(container.Env, e => e.Name == "KeyManagement__AES__Key");
        Assert.Null(key.Value);
        Assert.Equal(secret.Metadata.Name, key.ValueFrom.SecretKeyRef.Name);
        Assert.Contains(key.ValueFrom.SecretKeyRef.Key, secret.StringData.Keys);
        Assert.Equal("AESKey", Assert.Single(container.Env, e => e.Name == "KeyManagement__Provider").Value);
        Assert.Equal("true", Assert.Single(container.Env, e => e.Name == "KeyManagement__AES__UseKeyDeriviation").Value);

        // The example Secret holds a placeholder the server refuses, so it cannot be deployed as a real key by mistake.
        var placeholder = secret.StringData[key.ValueFrom.SecretKeyRef.Key];
        Assert.False(Convert.TryFromBase64String(placeholder, new byte[64], out var written) && written == 32);
    }

    [Fact]
    public void The_service_account_is_bound_to_system_auth_delegator_for_token_reviews()
    {
        var binding = Single<V1ClusterRoleBinding>();
        var serviceAccount = Single<V1ServiceAccount>();

        Assert.Equal("ClusterRole", binding.RoleRef.Kind);
        Assert.Equal("system:auth-delegator", binding.RoleRef.Name);
        var subject = Assert.Single(binding.Subjects);
        Assert.Equal(("ServiceAccount", serviceAccount.Metadata.Name, serviceAccount.Metadata.NamespaceProperty), (subject.Kind, subject.Name, subject.NamespaceProperty));
    }

    [Fact]
    public void The_service_selects_the_deployments_pods_and_port()
    {
        var service = Single<V1Service>();
        var deployment = Single<V1Deployment>();
        var labels = deployment.Spec.Template.Metadata.Labels;
        var container = deployment.Spec.Template.Spec.Containers[0];

        Assert.All(service.Spec.Selector, s => Assert.Equal(s.Value, labels[s.Key]));
        Assert.All(deployment.Spec.Selector.MatchLabels, s => Assert.Equal(s.Value, labels[s.Key]));
        var port = Assert.Single(service.Spec.Ports);
        Assert.Contains(container.Ports, p => p.Name == port.TargetPort.Value);
    }

    [Fact]
    public void The_dockerfile_runs_the_server_as_the_same_non_root_user()
    {
        var dockerfile = File.ReadAllLines(Path.Combine(RepositoryRoot(), "deploy", "Dockerfile"));
        var user = Assert.Single(dockerfile, l => l.StartsWith("USER ", StringComparison.Ordinal));
        var runAsUser = Single<V1Deployment>().Spec.Template.Spec.SecurityContext.RunAsUser;

        Assert.Equal($"USER {runAsUser}:{runAsUser}", user);
        Assert.Contains(dockerfile, l => l.Contains("Kamus.Server.dll", StringComparison.Ordinal));
    }

    private static T Single<T>() => Assert.Single(Objects.Value.OfType<T>());

    private static List<object> Load()
    {
        var directory = Path.Combine(RepositoryRoot(), "deploy", "kubernetes");
        var objects = new List<object>();
        foreach (var file in Directory.GetFiles(directory, "*.yaml").Order(StringComparer.Ordinal))
        {
            objects.AddRange(KubernetesYaml.LoadAllFromString(File.ReadAllText(file)));
        }

        return objects;
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (Directory.Exists(Path.Combine(directory.FullName, "deploy", "kubernetes")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException("deploy/kubernetes was not found above the test output directory.");
    }
}
