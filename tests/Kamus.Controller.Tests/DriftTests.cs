using Kamus.Controller.Tests.Support;
using Kamus.Testing.Kubernetes;
using Microsoft.Extensions.Time.Testing;

namespace Kamus.Controller.Tests;

/// <summary>A Secret deleted or edited by hand is restored at the next periodic reconciliation (the controller watches no Secrets).</summary>
public sealed class DriftTests(Encryptor encryptor) : IClassFixture<Encryptor>
{
    private const string Ns = ControllerScenario.Namespace;

    [Fact]
    public async Task A_Secret_edited_by_hand_is_restored_at_the_next_reconciliation_keeping_labels_others_added()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var scenario = await ControllerScenario.StartAsync(options => options.TimeProvider = time);
        scenario.Apply(Manifests.KamusSecret("db", "orders", stringData: await encryptor.BoundAsync(Ns, "orders", "db", new Dictionary<string, string> { ["password"] = "right" })));
        await scenario.ReadyAsync("db", "True", "Synced");

        scenario.Objects.Patch(ApiResource.Secrets, Ns, "db", new() { ["stringData"] = new System.Text.Json.Nodes.JsonObject { ["password"] = "tampered", ["extra"] = "x" }, ["metadata"] = new System.Text.Json.Nodes.JsonObject { ["labels"] = new System.Text.Json.Nodes.JsonObject { ["added-by"] = "someone" } } });
        Assert.Equal("tampered", Manifests.Text(scenario.Secret("db"))["password"]);

        time.Advance(TimeSpan.FromSeconds(60));

        var restored = await scenario.SecretAsync("db", s => Manifests.Text(s).GetValueOrDefault("password") == "right", "the password is restored");
        Assert.Equal(["password"], Manifests.Text(restored).Keys);
        Assert.Equal("someone", restored["metadata"]!["labels"]!["added-by"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_deleted_Secret_is_recreated_at_the_next_reconciliation()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var scenario = await ControllerScenario.StartAsync(options => options.TimeProvider = time);
        scenario.Apply(Manifests.KamusSecret("db", "orders", stringData: await encryptor.BoundAsync(Ns, "orders", "db", new Dictionary<string, string> { ["password"] = "right" })));
        var first = await scenario.SecretAsync("db");

        scenario.Objects.Delete(ApiResource.Secrets, Ns, "db");
        Assert.Null(scenario.Secret("db"));
        time.Advance(TimeSpan.FromSeconds(60));

        var recreated = await scenario.SecretAsync("db");
        Assert.NotEqual(first["metadata"]!["uid"]!.GetValue<string>(), recreated["metadata"]!["uid"]!.GetValue<string>());
        Assert.Equal("right", Manifests.Text(recreated)["password"]);
    }
}
