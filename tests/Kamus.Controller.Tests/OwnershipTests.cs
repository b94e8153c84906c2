using Kamus.Controller.Tests.Support;
using Kamus.Testing.Kubernetes;

namespace Kamus.Controller.Tests;

/// <summary>Secrets the controller does not own are never overwritten; ownerReferences make deletion follow the KamusSecret.</summary>
public sealed class OwnershipTests(Encryptor encryptor) : IClassFixture<Encryptor>
{
    private const string Ns = ControllerScenario.Namespace;

    [Fact]
    public async Task An_existing_Secret_that_is_not_Kamus_s_is_left_untouched_and_the_KamusSecret_says_why()
    {
        await using var scenario = await ControllerScenario.StartAsync(arrange: api =>
            api.Objects.Create(ApiResource.Secrets, Ns, Manifests.Secret("db", new Dictionary<string, string> { ["password"] = "someone else's" })));
        var before = scenario.Secret("db")!.ToJsonString();
        scenario.Apply(Manifests.KamusSecret("db", "orders", stringData: await encryptor.BoundAsync(Ns, "orders", "db", new Dictionary<string, string> { ["password"] = "kamus" })));

        var ready = await scenario.ReadyAsync("db", "False", "SecretNotOwned");

        Assert.Contains("kamussecrets.soluto.com/managed=true", ready["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(before, scenario.Secret("db")!.ToJsonString());
        await scenario.Objects.WaitUntilAsync(_ => scenario.Events("db").Any(e => e["reason"]!.GetValue<string>() == "SecretNotOwned"), "a SecretNotOwned Warning");
    }

    [Fact]
    public async Task A_Secret_annotated_as_managed_by_Kamus_is_taken_over_and_gets_the_owner_reference()
    {
        await using var scenario = await ControllerScenario.StartAsync(arrange: api =>
            api.Objects.Create(ApiResource.Secrets, Ns, Manifests.Secret("db", new Dictionary<string, string> { ["password"] = "from upstream's controller" },
                new Dictionary<string, string> { ["kamussecrets.soluto.com/managed"] = "true" })));
        var applied = scenario.Apply(Manifests.KamusSecret("db", "orders", stringData: await encryptor.BoundAsync(Ns, "orders", "db", new Dictionary<string, string> { ["password"] = "kamus" })));

        var secret = await scenario.SecretAsync("db", s => Manifests.Text(s)["password"] == "kamus", "the Secret is taken over");

        Assert.Equal(applied["metadata"]!["uid"]!.GetValue<string>(), secret["metadata"]!["ownerReferences"]![0]!["uid"]!.GetValue<string>());
        await scenario.ReadyAsync("db", "True", "Synced");
    }

    [Fact]
    public async Task Deleting_the_KamusSecret_deletes_its_Secret_through_the_owner_reference()
    {
        await using var scenario = await ControllerScenario.StartAsync();
        scenario.Apply(Manifests.KamusSecret("db", "orders", stringData: await encryptor.BoundAsync(Ns, "orders", "db", new Dictionary<string, string> { ["password"] = "p" })));
        await scenario.SecretAsync("db");

        scenario.Objects.Delete(ApiResource.KamusSecrets, Ns, "db");

        Assert.Null(scenario.Secret("db"));
        Assert.Equal(0, scenario.Api.Requests.Count(r => r.Verb == "delete" && r.Resource == "secrets"));
    }

    [Fact]
    public async Task With_SetOwnerReference_false_the_Secret_has_no_owner_and_outlives_its_KamusSecret_as_upstream_does()
    {
        await using var scenario = await ControllerScenario.StartAsync(options => options.Settings["Controller:SetOwnerReference"] = "false");
        scenario.Apply(Manifests.KamusSecret("db", "orders", stringData: await encryptor.BoundAsync(Ns, "orders", "db", new Dictionary<string, string> { ["password"] = "p" })));
        var secret = await scenario.SecretAsync("db");
        Assert.Null(secret["metadata"]!["ownerReferences"]);

        scenario.Objects.Delete(ApiResource.KamusSecrets, Ns, "db");

        Assert.NotNull(scenario.Secret("db"));
    }
}
