using Kamus.Controller.Tests.Support;
using Kamus.Testing;
using Kamus.Testing.Kubernetes;

namespace Kamus.Controller.Tests;

/// <summary>Two replicas share one Lease in POD_NAMESPACE: only the holder reconciles, and a stopped leader hands over at once.</summary>
public sealed class LeaderElectionTests(Encryptor encryptor) : IClassFixture<Encryptor>
{
    private const string Ns = ControllerScenario.Namespace;

    [Fact]
    public async Task Only_the_Lease_holder_reconciles_and_a_stopped_leader_hands_over_to_the_other_replica()
    {
        await using var scenario = await ControllerScenario.StartAsync();
        await using var second = await KamusControllerHost.StartAsync(scenario.Api);
        await scenario.Objects.WaitUntilAsync(_ => scenario.Controller.IsLeading, "the first replica leads");
        var lease = scenario.Objects.Get(ApiResource.Leases, KamusControllerHost.PodNamespace, "kamus-controller")!;
        var leader = lease["spec"]!["holderIdentity"]!.GetValue<string>();

        scenario.Apply(Manifests.KamusSecret("one", "orders", stringData: await encryptor.BoundAsync(Ns, "orders", "one", new Dictionary<string, string> { ["k"] = "1" })));
        await scenario.SecretAsync("one");
        Assert.False(second.IsLeading);
        Assert.Empty(second.Reconciles.GetMeasurementSnapshot());
        Assert.Equal(1, scenario.Api.Requests.Count(r => r is { Verb: "create", Resource: "secrets" }));

        await scenario.Controller.StopAsync();
        await scenario.Objects.WaitUntilAsync(_ => second.IsLeading, "the second replica takes over");
        var holder = scenario.Objects.Get(ApiResource.Leases, KamusControllerHost.PodNamespace, "kamus-controller")!["spec"]!["holderIdentity"]!.GetValue<string>();
        Assert.NotEqual(leader, holder);

        scenario.Apply(Manifests.KamusSecret("two", "orders", stringData: await encryptor.BoundAsync(Ns, "orders", "two", new Dictionary<string, string> { ["k"] = "2" })));
        await scenario.SecretAsync("two");
        await scenario.Objects.WaitUntilAsync(_ => second.Reconciles.GetMeasurementSnapshot().Any(m => (string)m.Tags["result"]! == "created"), "the new leader created the Secret");
    }

    [Fact]
    public async Task A_leader_that_cannot_renew_its_Lease_stops_reconciling()
    {
        await using var scenario = await ControllerScenario.StartAsync();
        await scenario.Objects.WaitUntilAsync(_ => scenario.Controller.IsLeading, "the replica leads");

        scenario.Api.Requests.Intercept = r => r.Resource == "leases" ? new ApiStatusException(503, "ServiceUnavailable", "no lease for you") : null;
        await scenario.Objects.WaitUntilAsync(_ => !scenario.Controller.IsLeading && scenario.Objects.OpenWatches == 0, "the replica steps down and stops watching");
        scenario.Apply(Manifests.KamusSecret("late", "orders", stringData: await encryptor.BoundAsync(Ns, "orders", "late", new Dictionary<string, string> { ["k"] = "v" })));

        scenario.Api.Requests.Intercept = null;
        await scenario.SecretAsync("late");
        Assert.True(scenario.Controller.IsLeading);
    }
}
