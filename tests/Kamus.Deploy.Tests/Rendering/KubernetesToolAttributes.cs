namespace Kamus.Deploy.Tests.Rendering;

// Whether helm or kubectl is there is known before a test runs, so these skip up front, as SoftHsmFact and UnixFact
// do (see KubernetesTools for when they skip and when a missing tool fails instead).

/// <summary>A fact that runs helm: skipped, naming the install command, where helm is not installed.</summary>
public sealed class HelmFactAttribute : FactAttribute
{
    public HelmFactAttribute() => Skip = KubernetesTools.HelmSkipReason;
}

/// <summary>A theory that runs helm: skipped, naming the install command, where helm is not installed.</summary>
public sealed class HelmTheoryAttribute : TheoryAttribute
{
    public HelmTheoryAttribute() => Skip = KubernetesTools.HelmSkipReason;
}

/// <summary>A fact that runs kubectl: skipped, naming the install command, where kubectl is not installed.</summary>
public sealed class KubectlFactAttribute : FactAttribute
{
    public KubectlFactAttribute() => Skip = KubernetesTools.KubectlSkipReason;
}

/// <summary>A theory that runs kubectl: skipped, naming the install command, where kubectl is not installed.</summary>
public sealed class KubectlTheoryAttribute : TheoryAttribute
{
    public KubectlTheoryAttribute() => Skip = KubernetesTools.KubectlSkipReason;
}
