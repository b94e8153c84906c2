using Kamus.Controller.Tests.Support;
using Kamus.Testing.Kubernetes;

namespace Kamus.Controller.Tests;

/// <summary>
/// The informer lists, watches from the list's resourceVersion with bookmarks, lists again on 410 Expired, reconnects
/// with backoff after errors, and never gives up; failed reconciles are retried per object.
/// </summary>
public sealed class InformerTests(Encryptor encryptor) : IClassFixture<Encryptor>
{
    private const string Ns = ControllerScenario.Namespace;

    [Fact]
    public async Task After_a_410_the_controller_lists_again_and_finds_what_it_missed()
    {
        await using var scenario = await ControllerScenario.StartAsync();
        scenario.Apply(await KamusSecretAsync("first"));
        await scenario.SecretAsync("first");

        // The watch breaks and cannot come back for a while; meanwhile a KamusSecret is created and the history that
        // would have replayed it is compacted away.
        scenario.Api.Requests.Intercept = r => r.Verb == "watch" ? new ApiStatusException(503, "ServiceUnavailable", "watch is down") : null;
        scenario.Objects.DropWatches();
        await scenario.Objects.WaitUntilAsync(_ => scenario.Api.Requests.Count(r => r.Verb == "watch" && r.StatusCode == 503) >= 2, "two refused watch attempts");
        scenario.Apply(await KamusSecretAsync("missed"));
        scenario.Objects.Compact();
        scenario.Api.Requests.Intercept = null;

        await scenario.SecretAsync("missed");

        Assert.Equal(2, scenario.Api.Requests.Count(r => r.Verb == "list" && r.Resource == "kamussecrets"));
        var reasons = scenario.Controller.WatchRestarts.GetMeasurementSnapshot().Select(m => (string)m.Tags["reason"]!).ToList();
        Assert.Contains("expired", reasons);
        Assert.Contains("error", reasons);
    }

    [Theory]
    [InlineData(true, 1)]
    [InlineData(false, 2)]
    public async Task A_bookmark_keeps_the_resourceVersion_current_so_a_reconnect_after_compaction_needs_no_new_list(bool bookmark, int lists)
    {
        await using var scenario = await ControllerScenario.StartAsync();
        scenario.Apply(await KamusSecretAsync("db"));
        await scenario.ControllerSeesReadyAsync(1);

        // Other objects change (the controller's last KamusSecret event falls behind), then history is compacted.
        scenario.Objects.Create(ApiResource.Secrets, Ns, Manifests.Secret("unrelated", new Dictionary<string, string> { ["a"] = "b" }));
        scenario.Objects.Compact();
        if (bookmark)
        {
            scenario.Objects.SendBookmarks();
        }

        scenario.Objects.CloseWatches();
        await scenario.Objects.WaitUntilAsync(_ => scenario.Api.Requests.Count(r => r.Verb == "watch" && r.StatusCode == 200) >= 2 && scenario.Objects.OpenWatches == 1, "the controller watches again");

        Assert.Equal(lists, scenario.Api.Requests.Count(r => r.Verb == "list" && r.Resource == "kamussecrets"));
        scenario.Apply(await KamusSecretAsync("after"));
        await scenario.SecretAsync("after");
    }

    [Fact]
    public async Task An_unreachable_API_never_stops_the_controller_it_recovers_when_the_API_answers_again()
    {
        await using var scenario = await ControllerScenario.StartAsync(arrange: api =>
            api.Requests.Intercept = r => r.Resource == "kamussecrets" ? new ApiStatusException(500, "InternalError", "etcd is down") : null);
        await scenario.Objects.WaitUntilAsync(_ => scenario.Api.Requests.Count(r => r.Verb == "list" && r.StatusCode == 500) >= 3, "three failed lists");
        using (var http = scenario.Controller.CreateHttpClient())
        {
            Assert.Equal("ok", await http.GetStringAsync(new Uri("healthz", UriKind.Relative)));
        }

        scenario.Api.Requests.Intercept = null;
        scenario.Apply(await KamusSecretAsync("db"));

        await scenario.SecretAsync("db");
        Assert.Contains(scenario.Controller.WatchRestarts.GetMeasurementSnapshot(), m => (string)m.Tags["reason"]! == "error");
    }

    [Theory]
    [InlineData(500, "InternalError")]
    [InlineData(409, "Conflict")]
    public async Task A_failed_write_is_retried_for_that_object_until_it_succeeds(int code, string reason)
    {
        var refusals = 0;
        await using var scenario = await ControllerScenario.StartAsync(arrange: api => api.Requests.Intercept = r =>
            r is { Verb: "create", Resource: "secrets" } && Interlocked.Increment(ref refusals) <= 3 ? new ApiStatusException(code, reason, "refused on purpose") : null);

        scenario.Apply(await KamusSecretAsync("db"));

        await scenario.SecretAsync("db");
        await scenario.Objects.WaitUntilAsync(_ => scenario.Controller.Reconciles.GetMeasurementSnapshot().Count >= 4, "four reconciles counted");
        var results = scenario.Controller.Reconciles.GetMeasurementSnapshot().Select(m => (string)m.Tags["result"]!).ToList();
        Assert.Equal(["error", "error", "error", "created"], results.Take(4));
    }

    private async Task<System.Text.Json.Nodes.JsonObject> KamusSecretAsync(string name) =>
        Manifests.KamusSecret(name, "orders", stringData: await encryptor.BoundAsync(Ns, "orders", name, new Dictionary<string, string> { ["password"] = name + "-password" }));
}
