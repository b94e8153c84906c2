namespace Kamus.Server.Configuration;

/// <summary>How the server reaches the Kubernetes API (section <c>Kubernetes</c>, upstream's name).</summary>
internal sealed class KubernetesOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Kubernetes";

    /// <summary>An explicit Kubernetes API URL (upstream's setting); without it the in-cluster configuration is used.</summary>
    public Uri? ProxyUrl { get; set; }

    /// <summary>The longest a TokenReview call may take before the request is answered 503.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
