using System.Net;
using Kamus.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Kamus.Server.Tests;

/// <summary>
/// What a decrypt caller's token must be, and what an unauthenticated caller can make the server do: redirects,
/// identity checks, pod-bound tokens, the refusal cache, the token size cap and the per-client rate limits.
/// </summary>
public sealed class CallerHardeningTests
{
    [Fact]
    public async Task A_redirecting_kubernetes_api_gets_503_and_the_token_is_never_posted_to_the_redirect_target()
    {
        await using var elsewhere = await KubernetesApiStandIn.StartAsync();
        await using var host = await KamusServerHost.StartAsync();
        host.StandIn.AddToken("t1", "ns-a", "sa1");
        elsewhere.AddToken("t1", "ns-a", "sa1");
        host.StandIn.RedirectTarget = elsewhere.Url;
        host.StandIn.Failure = StandInFailure.Redirect;
        var api = new RawKamusApi(host.CreateHttpClient());
        var ciphertext = await api.EncryptOkAsync("x", "sa1", "ns-a");

        Assert.Equal((HttpStatusCode.ServiceUnavailable, "kubernetes api unavailable"), await api.DecryptTextAsync("t1", ciphertext));
        Assert.Equal(1, host.StandIn.ReviewCount);
        Assert.Equal(0, elsewhere.ReviewCount);
    }

    [Theory]
    [InlineData("system:authenticated")]
    [InlineData("system:serviceaccounts:ns-a")]
    public async Task A_user_named_like_a_service_account_outside_the_service_accounts_group_is_refused(string onlyGroup)
    {
        await using var host = await KamusServerHost.StartAsync();
        host.StandIn.AddUser("webhook-user", "system:serviceaccount:ns-a:sa1", groups: [onlyGroup]);
        var api = new RawKamusApi(host.CreateHttpClient());

        Assert.Equal((HttpStatusCode.Forbidden, "forbidden"), await api.DecryptTextAsync("webhook-user", await api.EncryptOkAsync("x", "sa1", "ns-a")));
    }

    [Theory]
    [InlineData("system:serviceaccount:ns-a")]
    [InlineData("system:serviceaccount:ns-a:sa1:extra")]
    [InlineData("system:node:n1")]
    public async Task A_service_accounts_group_member_with_another_user_name_is_refused(string userName)
    {
        await using var host = await KamusServerHost.StartAsync();
        host.StandIn.AddUser("odd", userName, groups: ["system:serviceaccounts", "system:authenticated"]);
        var api = new RawKamusApi(host.CreateHttpClient());

        Assert.Equal(HttpStatusCode.Forbidden, (await api.DecryptTextAsync("odd", await api.EncryptOkAsync("x", "sa1", "ns-a"))).Status);
    }

    [Fact]
    public async Task Requiring_pod_bound_tokens_refuses_a_legacy_token_and_accepts_a_projected_one()
    {
        await using var host = await KamusServerHost.StartAsync(o => o.Settings["Kamus:Tokens:RequirePodBound"] = "true");
        host.StandIn.AddToken("projected", "ns-a", "sa1");
        host.StandIn.AddToken("legacy", "ns-a", "sa1", podBound: false);
        var api = new RawKamusApi(host.CreateHttpClient());
        var ciphertext = await api.EncryptOkAsync("pod", "sa1", "ns-a");

        Assert.Equal((HttpStatusCode.OK, "pod"), await api.DecryptTextAsync("projected", ciphertext));
        var (status, body) = await api.DecryptTextAsync("legacy", ciphertext);
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("not bound to a pod", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task By_default_a_legacy_token_without_a_pod_is_accepted_as_upstream_does()
    {
        await using var host = await KamusServerHost.StartAsync();
        host.StandIn.AddToken("legacy", "ns-a", "sa1", podBound: false);
        var api = new RawKamusApi(host.CreateHttpClient());

        Assert.Equal((HttpStatusCode.OK, "x"), await api.DecryptTextAsync("legacy", await api.EncryptOkAsync("x", "sa1", "ns-a")));
    }

    [Fact]
    public async Task A_refused_token_is_not_reviewed_again_until_the_refusal_expires()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await KamusServerHost.StartAsync(o =>
        {
            o.TimeProvider = clock;
            o.Settings["Kamus:ReviewCache:RefusedTtl"] = "00:00:10";
        });
        host.StandIn.AddUser("alice", "alice");
        var api = new RawKamusApi(host.CreateHttpClient());
        var ciphertext = await api.EncryptOkAsync("x", "sa1", "ns-a");

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await api.DecryptTextAsync("unknown", ciphertext)).Status);
            Assert.Equal(HttpStatusCode.Forbidden, (await api.DecryptTextAsync("alice", ciphertext)).Status);
        }

        Assert.Equal(2, host.StandIn.ReviewCount);

        // The token becomes valid (for example it was just issued): it is accepted once the refusal expires.
        host.StandIn.AddToken("unknown", "ns-a", "sa1");
        clock.Advance(TimeSpan.FromSeconds(11));
        Assert.Equal((HttpStatusCode.OK, "x"), await api.DecryptTextAsync("unknown", ciphertext));
        Assert.Equal(3, host.StandIn.ReviewCount);
    }

    [Fact]
    public async Task An_unavailable_review_is_not_remembered_as_a_refusal()
    {
        await using var host = await KamusServerHost.StartAsync();
        host.StandIn.AddToken("t1", "ns-a", "sa1");
        var api = new RawKamusApi(host.CreateHttpClient());
        var ciphertext = await api.EncryptOkAsync("x", "sa1", "ns-a");
        host.StandIn.Failure = StandInFailure.ServerError;
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await api.DecryptTextAsync("t1", ciphertext)).Status);

        host.StandIn.Failure = StandInFailure.None;
        Assert.Equal((HttpStatusCode.OK, "x"), await api.DecryptTextAsync("t1", ciphertext));
    }

    [Fact]
    public async Task A_token_over_the_size_cap_is_refused_without_a_review()
    {
        await using var host = await KamusServerHost.StartAsync(o => o.Settings["Kamus:Tokens:MaxLength"] = "100");
        var longToken = new string('a', 101);
        host.StandIn.AddToken(longToken, "ns-a", "sa1");
        var api = new RawKamusApi(host.CreateHttpClient());

        Assert.Equal((HttpStatusCode.Unauthorized, "invalid or expired token"), await api.DecryptTextAsync(longToken, await api.EncryptOkAsync("x", "sa1", "ns-a")));
        Assert.Equal(0, host.StandIn.ReviewCount);
    }

    [Fact]
    public async Task A_client_causing_too_many_token_reviews_gets_429_with_retry_after_and_cached_callers_are_unaffected()
    {
        await using var host = await KamusServerHost.StartAsync(o => o.Settings["Kamus:RateLimits:TokenReviewsPerMinute"] = "3");
        host.StandIn.AddToken("good", "ns-a", "sa1");
        var api = new RawKamusApi(host.CreateHttpClient());
        var ciphertext = await api.EncryptOkAsync("x", "sa1", "ns-a");
        Assert.Equal(HttpStatusCode.OK, (await api.DecryptTextAsync("good", ciphertext)).Status);

        Assert.Equal(HttpStatusCode.Unauthorized, (await api.DecryptTextAsync("spray-1", ciphertext)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.DecryptTextAsync("spray-2", ciphertext)).Status);
        using var limited = await api.DecryptAsync("spray-3", ciphertext);

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero, "no Retry-After");
        Assert.Equal(3, host.StandIn.ReviewCount);
        Assert.Equal((HttpStatusCode.OK, "x"), await api.DecryptTextAsync("good", ciphertext));
    }

    [Fact]
    public async Task A_client_sending_too_many_encrypt_requests_gets_429_with_retry_after()
    {
        await using var host = await KamusServerHost.StartAsync(o => o.Settings["Kamus:RateLimits:EncryptRequestsPerMinute"] = "2");
        var api = new RawKamusApi(host.CreateHttpClient());

        await api.EncryptOkAsync("a", "sa1", "ns-a");
        using (var batch = await api.EncryptManyAsync("sa1", "ns-a", new Dictionary<string, string> { ["b"] = "b" }))
        {
            Assert.Equal(HttpStatusCode.OK, batch.StatusCode);
        }

        using var limited = await api.EncryptAsync("c", "sa1", "ns-a");
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero, "no Retry-After");
        Assert.StartsWith("too many requests", await limited.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_default_service_account_decrypts_only_with_upstreams_behaviour_switched_on()
    {
        await using var host = await KamusServerHost.StartAsync(o =>
        {
            o.Settings["KeyManagement:AES:UseKeyDeriviation"] = "false";
            o.Settings["Kamus:Encryption:Format"] = "Upstream";
            o.Settings["Kamus:Compatibility:AllowDefaultServiceAccountDecrypt"] = "true";
        });
        host.StandIn.AddToken("default-token", "ns-a", "default");
        var api = new RawKamusApi(host.CreateHttpClient());

        // Upstream's shared key: a value made for any account opens for any token, the default account's included.
        Assert.Equal((HttpStatusCode.OK, "shared"), await api.DecryptTextAsync("default-token", await api.EncryptOkAsync("shared", "sa1", "ns-a")));
        using var encrypt = await api.EncryptAsync("x", "default", "ns-a");
        Assert.Equal(HttpStatusCode.BadRequest, encrypt.StatusCode);
    }
}
