using Kamus.Testing;
using Kamus.Testing.Faults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Kamus.Client.Tests.Server;

/// <summary>Tokens, plaintexts and whole ciphertexts never appear in logs (captured at Trace) or exception messages.</summary>
public sealed class SecretLeakTests : IAsyncLifetime
{
    private readonly ServerTestContext _server = new();

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task Nothing_secret_reaches_logs_or_errors_standalone()
    {
        var logs = new FakeLogCollector();
        using var factory = logs.CreateLoggerFactory();
        await using var proxy = await FaultProxy.StartAsync(_server.Host.Url);
        proxy.Enqueue("/api/v2/decrypt", Fault.WithStatus(503), Fault.Reset);
        using var client = new KamusClient(ServerTestContext.Options(proxy.Url, loggerFactory: factory));

        var texts = await Exercise(client);

        AssertClean(logs.AllText() + string.Join('\n', texts));
    }

    [Fact]
    public async Task Nothing_secret_reaches_logs_or_errors_through_dependency_injection()
    {
        var logs = new FakeLogCollector();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(logs)));
        var url = _server.Host.Url;
        services.AddKamusClient(o =>
        {
            o.Url = url;
            o.TokenSource = new Kamus.Client.Tokens.StaticTokenSource(ServerTestContext.TeamAToken);
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(20);
        });
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<IKamusClient>();
        Assert.Same(provider.GetRequiredService<KamusClient>(), client);

        var texts = await Exercise(client);

        Assert.Contains(logs.Lines(), l => l.Contains("/api/v2/decrypt", StringComparison.Ordinal));
        AssertClean(logs.AllText() + string.Join('\n', texts));
    }

    private const string Plaintext = "plain-secret-value-9f8e7d";

    private static async Task<List<string>> Exercise(IKamusClient client)
    {
        var texts = new List<string>();
        var ciphertext = await client.EncryptAsync(Plaintext, "api", "team-a");
        var many = await client.EncryptManyAsync("api", "team-a", new Dictionary<string, string> { ["k"] = Plaintext });
        var forbidden = CompatVectors.All.First(v => v.Namespace != "team-a").Ciphertext;
        var outcomes = await client.DecryptManyAsync([ciphertext, many["k"], forbidden, "garbage-value-not-ciphertext"]);
        Assert.Equal(Plaintext, outcomes[0].Plaintext);
        Assert.Equal(Plaintext, outcomes[1].Plaintext);
        Assert.False(outcomes[2].Succeeded);
        Assert.False(outcomes[3].Succeeded);
        texts.AddRange(outcomes.Select(o => o.ToString()));
        texts.AddRange(outcomes.Where(o => o.Error is not null).Select(o => o.Error!.ToString()));
        var error = await Assert.ThrowsAsync<KamusException>(() => client.EncryptAsync(Plaintext, "default", "team-a"));
        texts.Add(error.ToString());
        texts.Add(client.ToString()!);
        return texts;
    }

    private static void AssertClean(string text)
    {
        Assert.DoesNotContain(ServerTestContext.TeamAToken, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Plaintext, text, StringComparison.Ordinal);
        foreach (var vector in CompatVectors.All)
        {
            Assert.DoesNotContain(vector.Ciphertext, text, StringComparison.Ordinal);
            Assert.DoesNotContain(vector.Plaintext, text, StringComparison.Ordinal);
        }
    }
}
