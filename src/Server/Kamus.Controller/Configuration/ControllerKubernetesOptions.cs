namespace Kamus.Controller.Configuration;

/// <summary>How the controller reaches the Kubernetes API (section <c>Kubernetes</c>, upstream's setting).</summary>
internal sealed class ControllerKubernetesOptions
{
    public const string SectionName = "Kubernetes";

    /// <summary>
    /// A plain-http API base URL without authentication, as <c>kubectl proxy</c> serves; without it the in-cluster
    /// configuration (service account token and CA) is used.
    /// </summary>
    public Uri? ProxyUrl { get; set; }
}
