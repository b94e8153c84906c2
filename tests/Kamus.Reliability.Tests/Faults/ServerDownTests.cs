using Kamus.Client.Tokens;
using Kamus.Client;
using Kamus.Configuration;
using Kamus.Reliability.Tests.Support;
using Kamus.Testing;
using Microsoft.Extensions.Configuration;

namespace Kamus.Reliability.Tests.Faults;

/// <summary>AddKamus at startup while the Kamus server is down: it comes up within the deadline, or it does not.</summary>
public sealed class ServerDownTests(ITestOutputHelper output)
{
    private const string Token = "token-team-a-api-server-down";

    private static readonly CompatVectors.Vector[] TeamA = [.. CompatVectors.All.Where(v => v.Id == "team-a:api")];

    [Fact]
    public async Task The_server_down_at_start_and_up_within_the_deadline_gives_every_value()
    {
        var port = KamusSystem.FreePort();
        var builder = Configuration(port, TimeSpan.FromSeconds(90));

        // Build() retries against a closed port until the server comes up.
        var build = Task.Run(builder.Build);
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.False(build.IsCompleted, "Build() must still be waiting for the server " + ReliabilityMode.Replay);

        await using var system = await KamusSystem.StartOnPortAsync(port);
        system.StandIn.AddToken(Token, "team-a", "api");
        var configuration = await build.WaitAsync(TimeSpan.FromSeconds(120));

        for (var i = 0; i < TeamA.Length; i++)
        {
            Assert.Equal(TeamA[i].Plaintext, configuration[$"Secrets:S{i}"]);
        }

        Assert.Equal("plain", configuration["Plain"]);
        Figures.Record(output, "server down at start, up within the deadline", $"{TeamA.Length} values decrypted after the server came up");
    }

    [Fact]
    public void The_server_down_past_the_deadline_fails_once_naming_every_key_and_no_value()
    {
        var builder = Configuration(KamusSystem.FreePort(), TimeSpan.FromSeconds(2));

        var error = Assert.Throws<KamusConfigurationException>(() => builder.Build());

        Assert.Equal(TeamA.Length, error.Failures.Count);
        for (var i = 0; i < TeamA.Length; i++)
        {
            Assert.Contains($"Secrets:S{i}", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(TeamA[i].Plaintext, error.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(TeamA[i].Ciphertext, error.ToString(), StringComparison.Ordinal);
        }

        Assert.All(error.Failures, f => Assert.True(f.Kind is KamusErrorKind.Timeout or KamusErrorKind.Unavailable, f.ToString()));
        Assert.DoesNotContain(Token, error.ToString(), StringComparison.Ordinal);
        Figures.Record(output, "server down past the deadline", $"{error.Failures.Count} keys named, kinds {string.Join(",", error.Failures.Select(f => f.Kind).Distinct())}");
    }

    private static ConfigurationBuilder Configuration(int port, TimeSpan deadline)
    {
        var values = new Dictionary<string, string?> { ["Plain"] = "plain" };
        for (var i = 0; i < TeamA.Length; i++)
        {
            values[$"Secrets:S{i}"] = "kamus:" + TeamA[i].Ciphertext;
        }

        var builder = new ConfigurationBuilder();
        builder.AddInMemoryCollection(values);
        builder.AddKamus(o =>
        {
            o.Url = new Uri($"http://127.0.0.1:{port}/");
            o.TokenSource = new StaticTokenSource(Token);
            o.TotalTimeout = deadline;
            o.ConfigureClient = c =>
            {
                c.RetryBaseDelay = TimeSpan.FromMilliseconds(100);
                c.MaxRetryDelay = TimeSpan.FromMilliseconds(500);
                c.MaxRetryAttempts = 100;
                c.AttemptTimeout = deadline < TimeSpan.FromSeconds(20) ? deadline : TimeSpan.FromSeconds(20);
            };
        });
        return builder;
    }
}
