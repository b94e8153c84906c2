using System.Net;
using Kamus.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Kamus.Server.Tests;

/// <summary><c>/api/v1/isAlive</c> reports the Kubernetes API as upstream does; <c>/healthz</c> stays the liveness probe.</summary>
public sealed class HealthTests
{
    [Theory]
    [InlineData(StandInFailure.ServiceUnavailable)]
    [InlineData(StandInFailure.Abort)]
    public async Task IsAlive_is_false_while_the_kubernetes_api_fails_and_healthz_stays_ok(StandInFailure failure)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await KamusServerHost.StartAsync(o => o.TimeProvider = clock);
        using var http = host.CreateHttpClient();
        Assert.Equal("true", await http.GetStringAsync("api/v1/isAlive"));

        host.StandIn.Failure = failure;
        clock.Advance(TimeSpan.FromSeconds(6));
        using var down = await http.GetAsync(new Uri("api/v1/isAlive", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, down.StatusCode);
        Assert.Equal("false", await down.Content.ReadAsStringAsync());
        Assert.Equal("ok", await http.GetStringAsync("healthz"));

        host.StandIn.Failure = StandInFailure.None;
        clock.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal("true", await http.GetStringAsync("api/v1/isAlive"));
    }

    [Fact]
    public async Task IsAlive_is_false_when_this_server_may_not_create_token_reviews()
    {
        await using var host = await KamusServerHost.StartAsync();
        host.StandIn.AllowsTokenReviews = false;
        using var http = host.CreateHttpClient();

        Assert.Equal("false", await http.GetStringAsync("api/v1/isAlive"));
    }

    [Fact]
    public async Task IsAlive_is_false_when_the_kubernetes_api_is_unreachable()
    {
        await using var host = await KamusServerHost.StartAsync();
        await host.StandIn.StopAsync();
        using var http = host.CreateHttpClient();

        Assert.Equal("false", await http.GetStringAsync("api/v1/isAlive"));
        Assert.Equal("ok", await http.GetStringAsync("healthz"));
    }

    [Fact]
    public async Task Repeated_probes_cost_one_access_review_per_freshness_period()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await KamusServerHost.StartAsync(o => o.TimeProvider = clock);
        using var http = host.CreateHttpClient();

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal("true", await http.GetStringAsync("api/v1/isAlive"));
        }

        Assert.Equal(1, host.StandIn.AccessReviewCount);
        clock.Advance(TimeSpan.FromSeconds(6));
        await http.GetStringAsync("api/v1/isAlive");
        Assert.Equal(2, host.StandIn.AccessReviewCount);
    }
}
