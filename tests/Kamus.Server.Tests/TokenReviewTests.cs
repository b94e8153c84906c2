using System.Net;
using Kamus.Server.Tests.Support;
using Kamus.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Kamus.Server.Tests;

public sealed class TokenReviewTests
{
    [Fact]
    public async Task Two_requests_with_the_same_token_cost_one_review_and_a_refused_token_is_remembered_briefly()
    {
        await using var host = await KamusServerHost.StartAsync();
        host.StandIn.AddToken("t1", "ns-a", "sa1");
        var api = new RawKamusApi(host.CreateHttpClient());
        var ciphertext = await api.EncryptOkAsync("cached", "sa1", "ns-a");

        Assert.Equal((HttpStatusCode.OK, "cached"), await api.DecryptTextAsync("t1", ciphertext));
        Assert.Equal((HttpStatusCode.OK, "cached"), await api.DecryptTextAsync("t1", ciphertext));
        Assert.Equal(1, host.StandIn.ReviewCount);

        Assert.Equal(HttpStatusCode.Unauthorized, (await api.DecryptTextAsync("nope", ciphertext)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.DecryptTextAsync("nope", ciphertext)).Status);
        Assert.Equal(2, host.StandIn.ReviewCount);
    }

    [OutsideAPodFact]
    public async Task Outside_a_cluster_without_a_proxy_url_the_log_says_what_to_set()
    {
        await using var host = await KamusServerHost.StartAsync(o => o.Settings["Kubernetes:ProxyUrl"] = null);
        var api = new RawKamusApi(host.CreateHttpClient());
        var ciphertext = await api.EncryptOkAsync("anything", "sa1", "ns-a");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await api.DecryptTextAsync("t1", ciphertext)).Status);
        Assert.Contains(host.Logs.GetSnapshot(), r => r.Message.Contains("no in-cluster configuration (not running in a pod?); set Kubernetes:ProxyUrl", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_cached_review_expires_after_the_configured_ttl()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await KamusServerHost.StartAsync(o =>
        {
            o.TimeProvider = clock;
            o.Settings["Kamus:ReviewCache:Ttl"] = "00:00:30";
        });
        host.StandIn.AddToken("t1", "ns-a", "sa1");
        var api = new RawKamusApi(host.CreateHttpClient());
        var ciphertext = await api.EncryptOkAsync("ttl", "sa1", "ns-a");

        await api.DecryptTextAsync("t1", ciphertext);
        clock.Advance(TimeSpan.FromSeconds(29));
        await api.DecryptTextAsync("t1", ciphertext);
        Assert.Equal(1, host.StandIn.ReviewCount);

        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal((HttpStatusCode.OK, "ttl"), await api.DecryptTextAsync("t1", ciphertext));
        Assert.Equal(2, host.StandIn.ReviewCount);
    }

    [Fact]
    public async Task A_cached_review_ends_when_the_jwt_expires_before_the_ttl_and_the_expired_token_is_refused_with_401()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await KamusServerHost.StartAsync(o =>
        {
            o.TimeProvider = clock;
            o.Settings["Kamus:ReviewCache:Ttl"] = "00:10:00";
        });
        host.StandIn.TimeProvider = clock;
        var token = host.StandIn.CreateJwt("ns-a", "sa1", clock.GetUtcNow().AddSeconds(20));
        var api = new RawKamusApi(host.CreateHttpClient());
        var ciphertext = await api.EncryptOkAsync("jwt", "sa1", "ns-a");

        Assert.Equal((HttpStatusCode.OK, "jwt"), await api.DecryptTextAsync(token, ciphertext));
        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal((HttpStatusCode.OK, "jwt"), await api.DecryptTextAsync(token, ciphertext));
        Assert.Equal(1, host.StandIn.ReviewCount);

        clock.Advance(TimeSpan.FromSeconds(11));
        var (status, body) = await api.DecryptTextAsync(token, ciphertext);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("invalid or expired token", body);
        Assert.Equal(2, host.StandIn.ReviewCount);
    }

    [Fact]
    public async Task An_expired_token_is_refused_with_401()
    {
        await using var host = await KamusServerHost.StartAsync();
        host.StandIn.AddToken("old", "ns-a", "sa1", expiresAt: DateTimeOffset.UtcNow.AddHours(-1));
        var api = new RawKamusApi(host.CreateHttpClient());

        Assert.Equal(HttpStatusCode.Unauthorized, (await api.DecryptTextAsync("old", await api.EncryptOkAsync("x", "sa1", "ns-a"))).Status);
    }

    [Theory]
    [InlineData(StandInFailure.ServerError)]
    [InlineData(StandInFailure.ServiceUnavailable)]
    [InlineData(StandInFailure.Forbidden)]
    [InlineData(StandInFailure.Abort)]
    public async Task A_failing_kubernetes_api_gives_503_never_500(StandInFailure failure)
    {
        await using var host = await KamusServerHost.StartAsync();
        host.StandIn.AddToken("t1", "ns-a", "sa1");
        var api = new RawKamusApi(host.CreateHttpClient());
        var ciphertext = await api.EncryptOkAsync("x", "sa1", "ns-a");
        host.StandIn.Failure = failure;

        Assert.Equal((HttpStatusCode.ServiceUnavailable, "kubernetes api unavailable"), await api.DecryptTextAsync("t1", ciphertext));
        using var batch = await api.DecryptManyAsync("t1", [ciphertext]);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, batch.StatusCode);

        host.StandIn.Failure = StandInFailure.None;
        Assert.Equal((HttpStatusCode.OK, "x"), await api.DecryptTextAsync("t1", ciphertext));
    }

    [Fact]
    public async Task An_unreachable_kubernetes_api_gives_503()
    {
        await using var host = await KamusServerHost.StartAsync();
        var api = new RawKamusApi(host.CreateHttpClient());
        var ciphertext = await api.EncryptOkAsync("x", "sa1", "ns-a");
        await host.StandIn.StopAsync();

        Assert.Equal((HttpStatusCode.ServiceUnavailable, "kubernetes api unavailable"), await api.DecryptTextAsync("t1", ciphertext));
    }

    [Fact]
    public async Task A_configured_audience_is_sent_and_required()
    {
        await using var host = await KamusServerHost.StartAsync(o => o.Settings["Kamus:Audience"] = "kamus");
        host.StandIn.AddToken("for-kamus", "ns-a", "sa1", audiences: ["kamus"]);
        host.StandIn.AddToken("for-api", "ns-a", "sa1");
        var api = new RawKamusApi(host.CreateHttpClient());
        var ciphertext = await api.EncryptOkAsync("aud", "sa1", "ns-a");

        Assert.Equal((HttpStatusCode.OK, "aud"), await api.DecryptTextAsync("for-kamus", ciphertext));
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.DecryptTextAsync("for-api", ciphertext)).Status);
        Assert.All(host.StandIn.RequestedAudiences, a => Assert.Equal(["kamus"], a));
        Assert.Equal(2, host.StandIn.RequestedAudiences.Count);
    }

    [Fact]
    public async Task Without_a_configured_audience_none_is_sent()
    {
        await using var host = await KamusServerHost.StartAsync();
        host.StandIn.AddToken("t1", "ns-a", "sa1");
        var api = new RawKamusApi(host.CreateHttpClient());

        await api.DecryptTextAsync("t1", await api.EncryptOkAsync("x", "sa1", "ns-a"));

        Assert.Empty(Assert.Single(host.StandIn.RequestedAudiences));
    }
}
