using System.ComponentModel.DataAnnotations;

namespace Kamus.Controller.Configuration;

/// <summary>The controller's settings (section <c>Controller</c>): upstream's two, plus the informer, queue and leader election.</summary>
internal sealed class ControllerOptions
{
    public const string SectionName = "Controller";

    /// <summary>Upstream's setting: every KamusSecret is reconciled at least this often (drift repair), in seconds.</summary>
    [Range(1, 86_400)]
    public int ReconciliationIntervalInSeconds { get; set; } = 60;

    /// <summary>Upstream's setting: whether the Secret gets a controller ownerReference to its KamusSecret (so deleting one deletes the other).</summary>
    public bool SetOwnerReference { get; set; } = true;

    /// <summary>How many KamusSecrets are reconciled at once.</summary>
    [Range(1, 64)]
    public int Workers { get; set; } = 2;

    /// <summary>The first retry delay of a KamusSecret whose reconcile failed; it doubles per failure.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan RetryInitialDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest retry delay.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The first delay before reconnecting a failed watch or list; it doubles (with jitter) per failure.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan WatchInitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest reconnect delay.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan WatchMaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the API server keeps one watch open before the controller opens the next, in seconds.</summary>
    [Range(1, 3_600)]
    public int WatchTimeoutSeconds { get; set; } = 300;

    /// <summary>Leader election between replicas.</summary>
    [Microsoft.Extensions.Options.ValidateObjectMembers]
    public LeaderElectionOptions LeaderElection { get; set; } = new();

    /// <summary>The reconciliation interval.</summary>
    public TimeSpan ReconciliationInterval => TimeSpan.FromSeconds(ReconciliationIntervalInSeconds);
}

/// <summary>
/// Leader election through a <c>coordination.k8s.io/v1</c> Lease in the pod's namespace (<c>POD_NAMESPACE</c>), with
/// client-go's default timings.
/// </summary>
internal sealed class LeaderElectionOptions
{
    /// <summary>Whether replicas elect a leader; only the leader reconciles.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The Lease's name.</summary>
    [RegularExpression("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")]
    public string LeaseName { get; set; } = "kamus-controller";

    /// <summary>The Lease's namespace; defaults to <c>POD_NAMESPACE</c>, then the in-cluster service account's namespace.</summary>
    public string? Namespace { get; set; }

    /// <summary>This replica's identity in the Lease; defaults to <c>POD_NAME</c>, then the host name, plus a random suffix.</summary>
    public string? Identity { get; set; }

    /// <summary>How long a Lease holds without renewal before another replica may take it.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long the leader keeps trying to renew before it stops reconciling.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan RenewDeadline { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often candidates try to acquire and the leader renews.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan RetryPeriod { get; set; } = TimeSpan.FromSeconds(2);
}
