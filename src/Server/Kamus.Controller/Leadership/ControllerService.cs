using Kamus.Controller.Diagnostics;
using k8s;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using Kamus.Controller.Configuration;
using Microsoft.Extensions.Options;

namespace Kamus.Controller.Leadership;

/// <summary>
/// Runs <see cref="ControllerLoop"/> only while this replica holds the controller Lease, so two replicas never
/// reconcile at once; a replica that loses the Lease stops reconciling and campaigns again. On shutdown the leader
/// releases the Lease so another replica takes over at once instead of after the lease duration.
/// </summary>
internal sealed class ControllerService(
    ControllerLoop loop,
    IKubernetes client,
    ControllerIdentity identity,
    LeaseLocation lease,
    IOptions<ControllerOptions> options,
    TimeProvider time,
    ILogger<ControllerService> logger) : BackgroundService
{
    private readonly LeaderElectionOptions _election = options.Value.LeaderElection;

    /// <summary>Whether this replica currently reconciles.</summary>
    public bool IsLeading { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (lease.Namespace is null)
        {
            KamusControllerLog.NoElection(logger);
            IsLeading = true;
            await loop.RunAsync(stoppingToken).ConfigureAwait(false);
            return;
        }

        KamusControllerLog.Campaigning(logger, lease.Namespace, _election.LeaseName, identity.Name);
        while (!stoppingToken.IsCancellationRequested)
        {
            await LeadOnceAsync(stoppingToken).ConfigureAwait(false);
            if (!stoppingToken.IsCancellationRequested)
            {
                await DelayAsync(_election.RetryPeriod, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private async Task LeadOnceAsync(CancellationToken stoppingToken)
    {
        var config = new LeaderElectionConfig(new LeaseLock(client, lease.Namespace, _election.LeaseName, identity.Name))
        {
            LeaseDuration = _election.LeaseDuration,
            RenewDeadline = _election.RenewDeadline,
            RetryPeriod = _election.RetryPeriod,
        };
        using var elector = new LeaderElector(config);
        using var term = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        Task? running = null;
        elector.OnStartedLeading += () =>
        {
            IsLeading = true;
            KamusControllerLog.Leading(logger, identity.Name);
            running = loop.RunAsync(term.Token);
        };
        elector.OnStoppedLeading += () =>
        {
            IsLeading = false;
            term.Cancel();
        };
        elector.OnNewLeader += leader => KamusControllerLog.NewLeader(logger, leader);
        try
        {
            await elector.RunUntilLeadershipLostAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
#pragma warning disable CA1031 // The API may be unreachable while campaigning: log, wait, campaign again; never exit.
        catch (Exception e)
#pragma warning restore CA1031
        {
            KamusControllerLog.ElectionFailed(logger, e.GetType().Name, e.Message);
        }

        await term.CancelAsync().ConfigureAwait(false);
        if (running is not null)
        {
            try
            {
                await running.ConfigureAwait(false);
            }
#pragma warning disable CA1031 // The loop's parts never give up on their own; should one fail anyway, campaign again.
            catch (Exception e)
#pragma warning restore CA1031
            {
                KamusControllerLog.ElectionFailed(logger, e.GetType().Name, e.Message);
            }

            KamusControllerLog.StoppedLeading(logger, identity.Name);
            if (stoppingToken.IsCancellationRequested)
            {
                await ReleaseAsync().ConfigureAwait(false);
            }
        }
    }

    // Hands the Lease back (an empty holder, as client-go's ReleaseOnCancel does) so a standby takes over immediately.
    private async Task ReleaseAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            var current = await client.CoordinationV1.ReadNamespacedLeaseAsync(_election.LeaseName, lease.Namespace, cancellationToken: timeout.Token).ConfigureAwait(false);
            if (current.Spec?.HolderIdentity != identity.Name)
            {
                return;
            }

            current.Spec.HolderIdentity = "";
            current.Spec.LeaseDurationSeconds = 1;
            current.Spec.RenewTime = time.GetUtcNow().UtcDateTime;
            await client.CoordinationV1.ReplaceNamespacedLeaseAsync(current, _election.LeaseName, lease.Namespace, cancellationToken: timeout.Token).ConfigureAwait(false);
            KamusControllerLog.LeaseReleased(logger, _election.LeaseName);
        }
#pragma warning disable CA1031 // Best effort: the Lease then simply expires.
        catch (Exception e)
#pragma warning restore CA1031
        {
            KamusControllerLog.LeaseReleaseFailed(logger, e.GetType().Name);
        }
    }

    private async Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }
}

/// <summary>Where the controller Lease lives: <see langword="null"/> when leader election is off.</summary>
internal sealed record LeaseLocation(string? Namespace);
