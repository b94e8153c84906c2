using Kamus.Controller.Tests.Support;

namespace Kamus.Controller.Tests;

/// <summary>
/// If any value fails, the Secret is neither created nor changed; Ready=False names the failing keys and why, a Warning
/// Event says the same, and no value (plaintext or ciphertext) appears in the status, the Events or the logs.
/// </summary>
public sealed class AllOrNothingTests(Encryptor encryptor) : IClassFixture<Encryptor>
{
    private const string Ns = ControllerScenario.Namespace;
    private const string Plaintext = "correct-horse-battery-staple";

    [Fact]
    public async Task One_value_for_another_service_account_means_no_Secret_at_all()
    {
        await using var scenario = await ControllerScenario.StartAsync();
        var good = await encryptor.BoundAsync(Ns, "orders", "db", new Dictionary<string, string> { ["user"] = Plaintext });
        var foreign = await encryptor.BoundAsync(Ns, "billing", "db", new Dictionary<string, string> { ["password"] = Plaintext });
        scenario.Apply(Manifests.KamusSecret("db", "orders", stringData: new Dictionary<string, string> { ["user"] = good["user"], ["password"] = foreign["password"] }));

        var ready = await scenario.ReadyAsync("db", "False", "DecryptionFailed");

        Assert.Null(scenario.Secret("db"));
        var message = ready["message"]!.GetValue<string>();
        Assert.Contains("stringData.password: Forbidden", message, StringComparison.Ordinal);
        Assert.DoesNotContain("stringData.user", message, StringComparison.Ordinal);
        Assert.Contains("apps:orders", message, StringComparison.Ordinal);
        await scenario.Objects.WaitUntilAsync(_ => scenario.Events("db").Any(e => e["type"]!.GetValue<string>() == "Warning"), "a Warning Event");
        var warning = scenario.Events("db").Single(e => e["type"]!.GetValue<string>() == "Warning");
        Assert.Equal("DecryptionFailed", warning["reason"]!.GetValue<string>());
        NoValueLeaked(scenario, [Plaintext, good["user"], foreign["password"]]);
    }

    [Fact]
    public async Task A_broken_value_in_an_update_leaves_the_existing_Secret_exactly_as_it_was()
    {
        await using var scenario = await ControllerScenario.StartAsync();
        var first = await encryptor.BoundAsync(Ns, "orders", "db", new Dictionary<string, string> { ["user"] = "u1", ["password"] = "p1" });
        scenario.Apply(Manifests.KamusSecret("db", "orders", stringData: first));
        var before = await scenario.SecretAsync("db");

        var second = await encryptor.BoundAsync(Ns, "orders", "db", new Dictionary<string, string> { ["user"] = "u2" });
        var truncated = first["password"][..^4];
        scenario.Change("db", item => item["stringData"] = Manifests.Map(new Dictionary<string, string> { ["user"] = second["user"], ["password"] = truncated }));

        var ready = await scenario.ReadyAsync("db", "False", "DecryptionFailed");
        Assert.Contains("stringData.password: InvalidCiphertext", ready["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(before.ToJsonString(), scenario.Secret("db")!.ToJsonString());
    }

    [Fact]
    public async Task A_data_value_that_is_not_base64_text_fails_and_says_to_use_stringData()
    {
        await using var scenario = await ControllerScenario.StartAsync();
        var values = await encryptor.BoundAsync(Ns, "orders", "db", new Dictionary<string, string> { ["password"] = "not base64!" });
        scenario.Apply(Manifests.KamusSecret("db", "orders", data: values));

        var ready = await scenario.ReadyAsync("db", "False", "DecryptionFailed");

        Assert.Contains("data.password", ready["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("stringData", ready["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(scenario.Secret("db"));
    }

    [Theory]
    [InlineData(null, "serviceAccount is required")]
    [InlineData("Not_A_Name", "not a valid service account name")]
    public async Task A_KamusSecret_without_a_usable_service_account_is_InvalidSpec(string? serviceAccount, string message)
    {
        await using var scenario = await ControllerScenario.StartAsync();
        scenario.Apply(Manifests.KamusSecret("db", serviceAccount, stringData: new Dictionary<string, string> { ["a"] = "k2.k0.AAAA" }));

        var ready = await scenario.ReadyAsync("db", "False", "InvalidSpec");

        Assert.Contains(message, ready["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(scenario.Secret("db"));
    }

    [Fact]
    public async Task A_Secret_the_API_server_refuses_is_SecretRejected_with_its_reason()
    {
        await using var scenario = await ControllerScenario.StartAsync();
        var values = await encryptor.BoundAsync(Ns, "web", "tls", new Dictionary<string, string> { ["tls.crt"] = "CERT" });
        scenario.Apply(Manifests.KamusSecret("tls", "web", stringData: values, type: "kubernetes.io/tls"));

        var ready = await scenario.ReadyAsync("tls", "False", "SecretRejected");

        Assert.Contains("data[tls.key]: Required value", ready["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private static void NoValueLeaked(ControllerScenario scenario, IEnumerable<string> values)
    {
        var visible = string.Join("\n", scenario.Controller.Logs.GetSnapshot().Select(r => r.Message + r.Exception))
            + scenario.KamusSecret("db")!["status"]!.ToJsonString()
            + string.Join("\n", scenario.Events("db").Select(e => e.ToJsonString()));
        foreach (var value in values)
        {
            Assert.DoesNotContain(value, visible, StringComparison.Ordinal);
        }
    }
}
