using Kamus.Controller.Tests.Support;

namespace Kamus.Controller.Tests;

/// <summary>A KamusSecret becomes a Secret, and a changed KamusSecret changes it.</summary>
public sealed class ReconcileTests(Encryptor encryptor) : IClassFixture<Encryptor>
{
    private const string Ns = ControllerScenario.Namespace;

    [Fact]
    public async Task A_KamusSecret_becomes_a_Secret_with_its_type_labels_bytes_owner_Ready_condition_and_an_Event()
    {
        await using var scenario = await ControllerScenario.StartAsync();
        var strings = await encryptor.BoundAsync(Ns, "orders", "db", new Dictionary<string, string> { ["password"] = "p@ss:w0rd", ["user"] = "orders" });
        // A data plaintext is base64 text of the bytes (here two bytes that are not UTF-8).
        var data = await encryptor.BoundAsync(Ns, "orders", "db", new Dictionary<string, string> { ["blob"] = Convert.ToBase64String([0xff, 0x00]) });

        var applied = scenario.Apply(Manifests.KamusSecret("db", "orders", data, strings, type: "kubernetes.io/basic-auth", labels: new Dictionary<string, string> { ["app"] = "orders" }));
        var secret = await scenario.SecretAsync("db");

        Assert.Equal("kubernetes.io/basic-auth", secret["type"]!.GetValue<string>());
        Assert.Equal("p@ss:w0rd", Manifests.Text(secret)["password"]);
        Assert.Equal("orders", Manifests.Text(secret)["user"]);
        Assert.Equal([0xff, 0x00], Convert.FromBase64String(secret["data"]!["blob"]!.GetValue<string>()));
        Assert.Equal("orders", secret["metadata"]!["labels"]!["app"]!.GetValue<string>());
        Assert.Equal("true", secret["metadata"]!["annotations"]!["kamussecrets.soluto.com/managed"]!.GetValue<string>());
        var owner = Assert.Single(secret["metadata"]!["ownerReferences"]!.AsArray())!;
        Assert.Equal(applied["metadata"]!["uid"]!.GetValue<string>(), owner["uid"]!.GetValue<string>());
        Assert.True(owner["controller"]!.GetValue<bool>());
        Assert.Equal(("soluto.com/v1alpha2", "KamusSecret", "db"), (owner["apiVersion"]!.GetValue<string>(), owner["kind"]!.GetValue<string>(), owner["name"]!.GetValue<string>()));

        var ready = await scenario.ReadyAsync("db", "True", "Synced");
        Assert.Contains("3 key(s) decrypted for apps:orders", ready["message"]!.GetValue<string>(), StringComparison.Ordinal);
        var logs = string.Join("\n", scenario.Controller.Logs.GetSnapshot().Select(r => r.Message + r.Exception));
        Assert.Contains("Secret Created with 3 key(s)", logs, StringComparison.Ordinal);
        Assert.DoesNotContain("p@ss:w0rd", logs, StringComparison.Ordinal);
        Assert.DoesNotContain(strings["password"], logs, StringComparison.Ordinal);
        await scenario.Objects.WaitUntilAsync(_ => scenario.Events("db").Any(e => e["reason"]!.GetValue<string>() == "Created"), "a Created Event");
        var created = scenario.Events("db").Single(e => e["reason"]!.GetValue<string>() == "Created");
        Assert.Equal("Normal", created["type"]!.GetValue<string>());
        Assert.Equal("kamus-controller", created["source"]!["component"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_changed_KamusSecret_updates_the_Secret_and_its_observed_generation()
    {
        await using var scenario = await ControllerScenario.StartAsync();
        var first = await encryptor.BoundAsync(Ns, "orders", "db", new Dictionary<string, string> { ["password"] = "one", ["old"] = "gone soon" });
        scenario.Apply(Manifests.KamusSecret("db", "orders", stringData: first));
        await scenario.ReadyAsync("db", "True", "Synced");

        var second = await encryptor.BoundAsync(Ns, "orders", "db", new Dictionary<string, string> { ["password"] = "two" });
        var changed = scenario.Change("db", item => item["stringData"] = Manifests.Map(second));
        Assert.Equal(2, changed["metadata"]!["generation"]!.GetValue<long>());

        var secret = await scenario.SecretAsync("db", s => Manifests.Text(s).GetValueOrDefault("password") == "two", "the Secret holds the new password");
        Assert.Equal(["password"], Manifests.Text(secret).Keys);
        await scenario.ReadyAsync("db", "True", "Synced");
        await scenario.Objects.WaitUntilAsync(_ => scenario.Events("db").Any(e => e["reason"]!.GetValue<string>() == "Updated"), "an Updated Event");
    }

    [Fact]
    public async Task StringData_wins_over_data_for_the_same_key_and_annotations_propagate_only_when_asked()
    {
        await using var scenario = await ControllerScenario.StartAsync();
        var data = await encryptor.BoundAsync(Ns, "orders", "cfg", new Dictionary<string, string> { ["key"] = Convert.ToBase64String("from data"u8) });
        var strings = await encryptor.BoundAsync(Ns, "orders", "cfg", new Dictionary<string, string> { ["key"] = "from stringData" });
        var annotations = new Dictionary<string, string> { ["team"] = "payments", ["kubectl.kubernetes.io/last-applied-configuration"] = "{}" };

        scenario.Apply(Manifests.KamusSecret("cfg", "orders", data, strings, annotations: annotations, propagateAnnotations: true));
        scenario.Apply(Manifests.KamusSecret("plain", "orders", stringData: await encryptor.BoundAsync(Ns, "orders", "plain", new Dictionary<string, string> { ["k"] = "v" }), annotations: annotations));

        var cfg = await scenario.SecretAsync("cfg");
        Assert.Equal("from stringData", Manifests.Text(cfg)["key"]);
        Assert.Equal("payments", cfg["metadata"]!["annotations"]!["team"]!.GetValue<string>());
        Assert.Null(cfg["metadata"]!["annotations"]!["kubectl.kubernetes.io/last-applied-configuration"]);
        Assert.Equal("Opaque", cfg["type"]!.GetValue<string>());
        var plain = await scenario.SecretAsync("plain");
        Assert.Null(plain["metadata"]!["annotations"]!["team"]);
    }

    [Fact]
    public async Task A_changed_type_recreates_the_Secret_because_the_API_server_keeps_a_Secrets_type_immutable()
    {
        await using var scenario = await ControllerScenario.StartAsync();
        var values = await encryptor.BoundAsync(Ns, "web", "tls", new Dictionary<string, string> { ["tls.crt"] = "CERT", ["tls.key"] = "KEY" });
        scenario.Apply(Manifests.KamusSecret("tls", "web", stringData: values));
        var before = await scenario.SecretAsync("tls");

        scenario.Change("tls", item => item["type"] = "kubernetes.io/tls");

        var after = await scenario.SecretAsync("tls", s => s["type"]!.GetValue<string>() == "kubernetes.io/tls", "the Secret has type kubernetes.io/tls");
        Assert.NotEqual(before["metadata"]!["uid"]!.GetValue<string>(), after["metadata"]!["uid"]!.GetValue<string>());
        Assert.Equal("KEY", Manifests.Text(after)["tls.key"]);
    }

    [Fact]
    public async Task Nothing_is_written_when_nothing_changed_and_status_updates_do_not_trigger_reconciles()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var scenario = await ControllerScenario.StartAsync(options => options.TimeProvider = time);
        scenario.Apply(Manifests.KamusSecret("db", "orders", stringData: await encryptor.BoundAsync(Ns, "orders", "db", new Dictionary<string, string> { ["password"] = "p" })));
        await scenario.ReadyAsync("db", "True", "Synced");
        await scenario.Objects.WaitUntilAsync(_ => scenario.Controller.Reconciles.GetMeasurementSnapshot().Count == 1, "the first reconcile is counted");
        await scenario.ControllerSeesReadyAsync(1);
        var version = scenario.Secret("db")!["metadata"]!["resourceVersion"]!.GetValue<string>();
        var writes = Writes(scenario);
        var reconciled = scenario.Controller.Reconciles.GetMeasurementSnapshot().Count;

        // Three periodic resyncs.
        for (var i = 0; i < 3; i++)
        {
            time.Advance(TimeSpan.FromSeconds(60));
            await scenario.Objects.WaitUntilAsync(_ => scenario.Controller.Reconciles.GetMeasurementSnapshot().Count >= reconciled + i + 1, $"resync {i + 1} reconciled");
        }

        Assert.Equal(version, scenario.Secret("db")!["metadata"]!["resourceVersion"]!.GetValue<string>());
        Assert.Equal(writes, Writes(scenario));
        Assert.All(scenario.Controller.Reconciles.GetMeasurementSnapshot().Skip(reconciled), m => Assert.Equal("unchanged", m.Tags["result"]));
    }

    private static int Writes(ControllerScenario scenario) =>
        scenario.Api.Requests.Count(r => r.Verb is "create" or "update" or "patch" or "delete" && r.Resource is "secrets" or "kamussecrets");
}
