namespace Kamus.Server.Tests.Support;

/// <summary>A fact about running outside a cluster: skipped in a pod, where the in-cluster configuration exists.</summary>
public sealed class OutsideAPodFactAttribute : FactAttribute
{
    public OutsideAPodFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST") is not null)
        {
            Skip = "running in a pod: the in-cluster configuration exists";
        }
    }
}
