using Kamus.Controller.Tests.Support;
using Kamus.Testing.Metrics;

namespace Kamus.Controller.Tests;

/// <summary>
/// The controller's <c>GET /metrics</c> shows reconciles and KamusSecrets by Ready after a real reconcile. Alone in its
/// collection: OpenTelemetry subscribes to the meter by name, process-wide, so parallel controllers would add to it.
/// </summary>
[Collection(Name)]
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsScrapeTests(Encryptor encryptor) : IClassFixture<Encryptor>
{
    private const string Name = "Controller metrics scrape";

    [Fact]
    public async Task After_a_reconcile_the_scrape_shows_reconciles_and_a_ready_KamusSecret()
    {
        await using var scenario = await ControllerScenario.StartAsync();
        var strings = await encryptor.BoundAsync(ControllerScenario.Namespace, "orders", "db", new Dictionary<string, string> { ["password"] = "p@ss" });
        scenario.Apply(Manifests.KamusSecret("db", "orders", null, strings));
        await scenario.ReadyAsync("db", "True", "Synced");
        await scenario.ControllerSeesReadyAsync(1);

        using var http = new HttpClient { BaseAddress = scenario.Controller.Url, Timeout = TimeSpan.FromSeconds(60) };
        var scrape = await PrometheusScrape.FromAsync(http);

        Assert.True(scrape.Sum("kamus_controller_reconciles_total") >= 1);
        Assert.Equal(1, scrape.Sum("kamus_controller_kamussecrets", ("ready", "true")));
        Assert.True(scrape.Has("kamus_controller_kamussecrets"));
    }
}
