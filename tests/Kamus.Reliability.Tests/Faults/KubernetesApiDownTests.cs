using System.Net;
using Kamus.Client;
using Kamus.Configuration;
using Kamus.Reliability.Tests.Support;
using Kamus.Testing;
using Microsoft.Extensions.Configuration;

namespace Kamus.Reliability.Tests.Faults;

/// <summary>The Kubernetes API behind the server fails or disappears: 503 from the server, retries by the client, a clear error.</summary>
public sealed class KubernetesApiDownTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Decrypt = "/api/v2/decrypt";
    private KamusSystem _system = null!;
    private string _ciphertext = null!;

    public async Task InitializeAsync()
    {
        _system = await KamusSystem.StartAsync();
        using var writer = _system.Client("encrypt-needs-no-token");
        _ciphertext = await writer.EncryptAsync("k8s-down-secret", "app", "k8s");
    }

    public async Task DisposeAsync() => await _system.DisposeAsync();

    [Fact]
    public async Task A_failing_api_gives_503_retried_by_the_client_then_a_clear_unavailable_error()
    {
        _system.StandIn.Failure = StandInFailure.ServiceUnavailable;
        _system.Host.ResetCounts();
        using var client = _system.Client(_system.TokenFor("k8s", "app"), o => o.MaxRetryAttempts = 2);

        var error = await Assert.ThrowsAsync<KamusException>(() => client.DecryptAsync(_ciphertext));

        Assert.Equal(KamusErrorKind.Unavailable, error.Kind);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.Status);
        Assert.Contains("HTTP 503", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, _system.Host.RequestCount(Decrypt));
        Assert.Equal(3, _system.StandIn.ReviewCount);
        Figures.Record(output, "Kubernetes API answers 503", $"server 503, client tried 3 times, error: {error.Message}");
    }

    [Fact]
    public async Task The_client_retries_through_an_outage_and_succeeds_when_the_api_is_back()
    {
        _system.StandIn.Failure = StandInFailure.Abort;
        _system.Host.ResetCounts();
        using var client = _system.Client(_system.TokenFor("k8s", "app"), o =>
        {
            o.MaxRetryAttempts = 100;
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(100);
            o.MaxRetryDelay = TimeSpan.FromMilliseconds(300);
        });

        var decrypt = client.DecryptAsync(_ciphertext);
        await Eventually(() => _system.StandIn.ReviewCount >= 3);
        _system.StandIn.Failure = StandInFailure.None;

        Assert.Equal("k8s-down-secret", await decrypt.WaitAsync(TimeSpan.FromSeconds(90)));
        Assert.True(_system.Host.RequestCount(Decrypt) >= 3);
        Figures.Record(output, "Kubernetes API down, then back", $"{_system.Host.RequestCount(Decrypt)} attempts, then the right plaintext");
    }

    [Fact]
    public async Task An_unreachable_api_fails_AddKamus_naming_every_key_as_unavailable()
    {
        await using var system = await KamusSystem.StartAsync();
        using (var writer = system.Client("unused"))
        {
            _ciphertext = await writer.EncryptAsync("k8s-gone-secret", "app", "k8s");
        }

        var token = system.TokenFor("k8s", "app");
        await system.StandIn.StopAsync();
        var builder = new ConfigurationBuilder();
        builder.AddInMemoryCollection(new Dictionary<string, string?> { ["Db:Password"] = "kamus:" + _ciphertext, ["Api:Key"] = "kamus:" + _ciphertext });
        builder.AddKamus(o =>
        {
            o.Url = system.Url;
            o.TokenSource = new Kamus.Client.Tokens.StaticTokenSource(token);
            o.ConfigureClient = c =>
            {
                c.MaxRetryAttempts = 2;
                c.RetryBaseDelay = TimeSpan.FromMilliseconds(20);
            };
        });

        var error = Assert.Throws<KamusConfigurationException>(() => builder.Build());

        Assert.Equal(["Db:Password", "Api:Key"], error.Failures.Select(f => f.Key).Order(StringComparer.Ordinal).Reverse());
        Assert.All(error.Failures, f => Assert.Equal(KamusErrorKind.Unavailable, f.Kind));
        Assert.DoesNotContain("k8s-gone-secret", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(token, error.ToString(), StringComparison.Ordinal);
        Assert.Contains(system.Host.Logs.GetSnapshot(), r => r.Message.Contains("TokenReview API is unavailable", StringComparison.Ordinal));
        Figures.Record(output, "Kubernetes API unreachable at AddKamus", error.Message.ReplaceLineEndings(" "));
    }

    private static async Task Eventually(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition never held");
            await Task.Delay(20);
        }
    }
}
