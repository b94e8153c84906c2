using System.Net;
using Kamus.Testing;
using Kamus.Testing.Metrics;

namespace Kamus.Server.Tests.Metrics;

[Collection(SerialScrapes.Name)]
public sealed class MetricsTests
{
    private const string Decrypt = "/api/v1/decrypt";

    private static Task<PrometheusScrape> ScrapeAsync(HttpClient http) => PrometheusScrape.FromAsync(http);

    /// <summary>Successes, refusals of every kind and a TokenReview outage, against the real server and the Kubernetes stand-in.</summary>
    public static async Task<PrometheusScrape> ScrapeAfterTrafficAsync(KamusServerHost host)
    {
        host.StandIn.AddToken("token-sa1", "ns-a", "sa1");
        host.StandIn.AddToken("token-default", "ns-a", "default");
        host.StandIn.AddToken("token-outage", "ns-a", "sa1");
        var http = host.CreateHttpClient();
        var api = new RawKamusApi(http);
        var ciphertext = await api.EncryptOkAsync("metered", "sa1", "ns-a");

        Assert.Equal((HttpStatusCode.OK, "metered"), await api.DecryptTextAsync("token-sa1", ciphertext));
        Assert.Equal((HttpStatusCode.OK, "metered"), await api.DecryptTextAsync("token-sa1", ciphertext));
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.DecryptTextAsync("not-a-token", ciphertext)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.DecryptTextAsync(null, ciphertext)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await api.DecryptTextAsync("token-default", ciphertext)).Status);
        host.StandIn.Failure = StandInFailure.ServiceUnavailable;
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await api.DecryptTextAsync("token-outage", ciphertext)).Status);
        host.StandIn.Failure = StandInFailure.None;
        return await ScrapeAsync(http);
    }

    [Fact]
    public async Task After_traffic_the_scrape_counts_decrypts_by_outcome_token_reviews_cache_lookups_refusals_and_key_calls()
    {
        await using var host = await KamusServerHost.StartAsync();
        var scrape = await ScrapeAfterTrafficAsync(host);

        Assert.Equal(2, scrape.Sum("kamus_server_requests_total", ("endpoint", Decrypt), ("outcome", "ok")));
        Assert.Equal(2, scrape.Sum("kamus_server_requests_total", ("endpoint", Decrypt), ("outcome", "unauthenticated")));
        Assert.Equal(1, scrape.Sum("kamus_server_requests_total", ("endpoint", Decrypt), ("outcome", "forbidden")));
        Assert.Equal(1, scrape.Sum("kamus_server_requests_total", ("endpoint", Decrypt), ("outcome", "unavailable"), ("status", "503")));
        Assert.Equal(1, scrape.Sum("kamus_server_requests_total", ("endpoint", "/api/v1/encrypt"), ("outcome", "ok")));
        Assert.Equal(6, scrape.Sum("kamus_server_request_duration_seconds_count", ("endpoint", Decrypt)));

        // token-sa1 once (then cached), not-a-token, token-default, token-outage: four reviews sent, one answered from the cache.
        Assert.Equal(2, scrape.Sum("kamus_server_token_reviews_total", ("result", "authenticated")));
        Assert.Equal(1, scrape.Sum("kamus_server_token_reviews_total", ("result", "unauthenticated")));
        Assert.Equal(1, scrape.Sum("kamus_server_token_reviews_total", ("result", "unavailable")));
        Assert.Equal(4, scrape.Sum("kamus_server_token_review_duration_seconds_count"));
        Assert.Equal(1, scrape.Sum("kamus_server_token_review_cache_lookups_total", ("result", "hit")));
        Assert.Equal(4, scrape.Sum("kamus_server_token_review_cache_lookups_total", ("result", "miss")));

        Assert.Equal(1, scrape.Sum("kamus_server_authentication_refusals_total", ("reason", "missing_token")));
        Assert.Equal(1, scrape.Sum("kamus_server_authentication_refusals_total", ("reason", "invalid_token")));
        Assert.Equal(1, scrape.Sum("kamus_server_authentication_refusals_total", ("reason", "default_service_account")));
        Assert.Equal(1, scrape.Sum("kamus_server_authentication_refusals_total", ("reason", "token_review_unavailable")));

        Assert.True(scrape.Sum("kamus_server_key_provider_operations_total", ("provider", "aes"), ("operation", "wrap"), ("result", "ok")) >= 1);
        Assert.True(scrape.Sum("kamus_server_key_provider_operations_total", ("provider", "aes"), ("operation", "unwrap"), ("result", "ok")) >= 1);
        Assert.Equal(0, scrape.Sum("kamus_server_key_provider_operations_total", ("result", "unavailable")));
        Assert.Contains(scrape.Samples, s => s.Name == "target_info" && s.Labels.GetValueOrDefault("service_name") == "kamus-server");
    }

    [Fact]
    public async Task No_label_carries_a_service_account_namespace_token_or_value()
    {
        await using var host = await KamusServerHost.StartAsync();
        var scrape = await ScrapeAfterTrafficAsync(host);

        string[] secrets = ["sa1", "ns-a", "token-sa1", "not-a-token", "token-default", "token-outage", "metered"];
        var kamusLabels = scrape.Samples.Where(s => s.Name.StartsWith("kamus_", StringComparison.Ordinal)).SelectMany(s => s.Labels.Values).ToHashSet();
        Assert.NotEmpty(kamusLabels);
        Assert.DoesNotContain(kamusLabels, v => secrets.Any(secret => v.Contains(secret, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Metrics_can_be_turned_off()
    {
        await using var host = await KamusServerHost.StartAsync(o => o.Settings["Kamus:Metrics:Enabled"] = "false");
        using var response = await host.CreateHttpClient().GetAsync("metrics");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task On_a_separate_port_metrics_are_served_only_there_and_the_api_only_on_its_own_port()
    {
        var port = LoopbackPort.Unused();
        await using var host = await KamusServerHost.StartAsync(o => o.Settings["Kamus:Metrics:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var api = new RawKamusApi(host.CreateHttpClient());
        await api.EncryptOkAsync("x", "sa1", "ns-a");
        using var metricsPort = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(60) };

        var scrape = await ScrapeAsync(metricsPort);
        Assert.Equal(1, scrape.Sum("kamus_server_requests_total", ("endpoint", "/api/v1/encrypt")));
        using var apiScrape = await host.CreateHttpClient().GetAsync("metrics");
        Assert.Equal(HttpStatusCode.NotFound, apiScrape.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await new RawKamusApi(metricsPort).EncryptAsync("x", "sa1", "ns-a")).StatusCode);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("70000")]
    public async Task A_metrics_port_out_of_range_is_refused_at_startup(string port)
    {
        var e = await Assert.ThrowsAsync<Kamus.KeyManagement.KamusSettingsException>(() => KamusServerHost.StartAsync(o => o.Settings["Kamus:Metrics:Port"] = port));
        Assert.Contains("Kamus:Metrics:Port", e.Message, StringComparison.Ordinal);
    }
}
