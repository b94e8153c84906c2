using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using Kamus.Client.Tests.Support;
using Kamus.Client.Tokens;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;

namespace Kamus.Client.Tests.Tokens;

/// <summary>Against a loopback stand-in of the Kubernetes TokenRequest endpoint, through the real KubernetesClient.</summary>
public sealed class TokenRequestTokenSourceTests
{
    private const string TokenPath = "/api/v1/namespaces/team-a/serviceaccounts/api/token";

    [Fact]
    public async Task Requests_an_audience_bound_token_for_the_pods_own_account_and_caches_it_until_80_percent()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var audiences = new List<string>();
        var issued = 0;
        await using var api = await LoopbackApp.StartAsync(async context =>
        {
            if (context.Request.Path != TokenPath || context.Request.Method != "POST")
            {
                context.Response.StatusCode = 404;
                return;
            }

            var body = await JsonNode.ParseAsync(context.Request.Body);
            audiences.AddRange(body!["spec"]!["audiences"]!.AsArray().Select(a => a!.GetValue<string>()));
            var seconds = body["spec"]!["expirationSeconds"]!.GetValue<long>();
            var number = Interlocked.Increment(ref issued);
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(JsonSerializer.Serialize(new JsonObject
            {
                ["kind"] = "TokenRequest",
                ["apiVersion"] = "authentication.k8s.io/v1",
                ["spec"] = body["spec"]!.DeepClone(),
                ["status"] = new JsonObject
                {
                    ["token"] = $"requested-token-{number}",
                    ["expirationTimestamp"] = time.GetUtcNow().AddSeconds(seconds).ToString("yyyy-MM-ddTHH:mm:ssZ"),
                },
            }));
        });
        using var dir = new TempDirectory();
        await File.WriteAllTextAsync(dir.File("namespace"), "team-a\n");
        using var kubernetes = new Kubernetes(new KubernetesClientConfiguration { Host = api.Url.ToString() });
        using var source = new TokenRequestTokenSource(kubernetes, "api", "kamus", timeProvider: time, namespaceFilePath: dir.File("namespace"));

        Assert.Equal("requested-token-1", await source.GetTokenAsync());
        Assert.Equal("requested-token-1", await source.GetTokenAsync());
        Assert.Equal(["kamus"], audiences);
        Assert.Equal(1, api.Requests);

        time.Advance(TimeSpan.FromMinutes(7));
        Assert.Equal("requested-token-1", await source.GetTokenAsync());
        time.Advance(TimeSpan.FromMinutes(1.5)); // past 80% of 10 minutes
        Assert.Equal("requested-token-2", await source.GetTokenAsync());

        source.Invalidate();
        Assert.Equal("requested-token-3", await source.GetTokenAsync());
        Assert.DoesNotContain("requested-token", source.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refusal_is_a_configuration_error_without_the_token()
    {
        await using var api = await LoopbackApp.StartAsync(context =>
        {
            context.Response.StatusCode = 403;
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"Forbidden\",\"code\":403}");
        });
        using var kubernetes = new Kubernetes(new KubernetesClientConfiguration { Host = api.Url.ToString() });
        using var source = new TokenRequestTokenSource(kubernetes, "api", "kamus", @namespace: "team-a");

        var error = await Assert.ThrowsAsync<KamusException>(() => source.GetTokenAsync().AsTask());

        Assert.Equal(KamusErrorKind.Configuration, error.Kind);
        Assert.Contains("team-a:api", error.Message, StringComparison.Ordinal);
    }
}
