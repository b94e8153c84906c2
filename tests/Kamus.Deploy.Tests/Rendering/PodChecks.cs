using k8s.Models;

namespace Kamus.Deploy.Tests.Rendering;

/// <summary>What every Kamus pod must be, whichever way it was rendered (kustomize or helm).</summary>
internal static class PodChecks
{
    /// <summary>Non-root, read-only, no capabilities, limits and probes.</summary>
    public static void AssertHardened(V1Deployment deployment)
    {
        var pod = deployment.Spec.Template.Spec;
        Assert.True(pod.SecurityContext.RunAsNonRoot, deployment.Metadata.Name);
        Assert.NotEqual(0, pod.SecurityContext.RunAsUser);
        Assert.Equal("RuntimeDefault", pod.SecurityContext.SeccompProfile.Type);
        var container = Assert.Single(pod.Containers);
        Assert.True(container.SecurityContext.ReadOnlyRootFilesystem, deployment.Metadata.Name);
        Assert.False(container.SecurityContext.AllowPrivilegeEscalation);
        Assert.True(container.SecurityContext.RunAsNonRoot);
        Assert.Equal(["ALL"], container.SecurityContext.Capabilities.Drop);
        Assert.True(container.Resources.Limits.ContainsKey("memory"), deployment.Metadata.Name);
        Assert.True(container.Resources.Requests.ContainsKey("memory"));
        Assert.True(container.Resources.Requests.ContainsKey("cpu"));
        Assert.Equal("/healthz", container.ReadinessProbe.HttpGet.Path);
        Assert.NotNull(container.LivenessProbe.HttpGet);
        Assert.Contains(container.Ports, p => p.Name == container.ReadinessProbe.HttpGet.Port.Value);
        Assert.Contains(container.VolumeMounts, m => m.MountPath == "/tmp");
        Assert.Equal("0", deployment.Spec.Strategy.RollingUpdate.MaxUnavailable.Value);
    }

    /// <summary>A PodDisruptionBudget selects exactly this Deployment's pods and allows one down at a time.</summary>
    public static void AssertDisruptionBudget(V1Deployment deployment, IEnumerable<V1PodDisruptionBudget> budgets)
    {
        var labels = deployment.Spec.Template.Metadata.Labels;
        var budget = Assert.Single(budgets, b => b.Spec.Selector.MatchLabels.All(l => labels.TryGetValue(l.Key, out var v) && v == l.Value));
        Assert.Equal(deployment.Spec.Selector.MatchLabels, budget.Spec.Selector.MatchLabels);
        Assert.Equal("1", budget.Spec.MaxUnavailable.Value);
    }

    /// <summary>The Deployment's selector and every Service that names it select its pods.</summary>
    public static void AssertSelects(V1Service service, V1Deployment deployment)
    {
        var labels = deployment.Spec.Template.Metadata.Labels;
        Assert.All(service.Spec.Selector, s => Assert.Equal(s.Value, labels[s.Key]));
        Assert.All(deployment.Spec.Selector.MatchLabels, s => Assert.Equal(s.Value, labels[s.Key]));
        var container = Assert.Single(deployment.Spec.Template.Spec.Containers);
        Assert.All(service.Spec.Ports, p => Assert.Contains(container.Ports, c => c.Name == p.TargetPort.Value));
    }

    public static string? Env(V1Container container, string name) => Assert.Single(container.Env, e => e.Name == name).Value;

    /// <summary>Each variable is set, once, to its value.</summary>
    public static void AssertEnv(V1Container container, params (string Name, string Value)[] expected)
    {
        foreach (var (name, value) in expected)
        {
            Assert.Equal((name, value), (name, Env(container, name)));
        }
    }

    public static bool HasEnv(V1Container container, string name) => container.Env.Any(e => e.Name == name);

    /// <summary>Only the pods of a Service, by selector (deployments whose template labels match it).</summary>
    public static IEnumerable<V1Deployment> Selected(V1Service service, IEnumerable<V1Deployment> deployments) =>
        deployments.Where(d => service.Spec.Selector.All(s => d.Spec.Template.Metadata.Labels.TryGetValue(s.Key, out var v) && v == s.Value));
}
