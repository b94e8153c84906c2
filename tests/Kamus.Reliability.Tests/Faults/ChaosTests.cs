using System.Collections.Concurrent;
using Kamus.Client;
using Kamus.Client.Tokens;
using Kamus.Reliability.Tests.Support;
using Kamus.Testing.Faults;
using Microsoft.Extensions.Configuration;

namespace Kamus.Reliability.Tests.Faults;

/// <summary>
/// Seeded random faults on every endpoint (resets, 5xx bursts, slow answers past the per-attempt timeout, 429 with
/// Retry-After, truncated bodies) while the client and AddKamus encrypt and decrypt through a fault proxy. Every
/// operation must end with the right plaintext: faults cost retries, never data.
/// </summary>
public sealed class ChaosTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const double FaultRate = 0.25;
    private const int MaxConsecutiveFaults = 2;

    private static readonly (string Name, Func<Fault> Make)[] FaultKinds =
    [
        ("reset", () => Fault.Reset),
        ("500", () => Fault.WithStatus(500)),
        ("502", () => Fault.WithStatus(502)),
        ("503", () => Fault.WithStatus(503)),
        ("429+Retry-After", () => Fault.WithStatus(429, retryAfter: 1)),
        ("slow past attempt timeout", () => Fault.Slow(TimeSpan.FromSeconds(5))),
        ("truncated body", () => Fault.Truncate),
    ];

    private readonly ConcurrentDictionary<string, int> _injected = new();
    private readonly Lock _gate = new();
    private KamusSystem _system = null!;
    private FaultProxy _proxy = null!;
    private Random _random = null!;
    private int _consecutive;
    private string _token = null!;

    public async Task InitializeAsync()
    {
        _system = await KamusSystem.StartAsync();
        _token = _system.TokenFor("chaos", "app");
        _proxy = await FaultProxy.StartAsync(_system.Url);
        _random = ReliabilityMode.Generator(nameof(ChaosTests));
        _proxy.Rule = (_, _) => NextFault();
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _system.DisposeAsync();
    }

    [Fact]
    public async Task Every_operation_through_random_faults_ends_with_the_right_plaintext()
    {
        var operations = ReliabilityMode.Count(ci: 24, longMode: 800);
        var failures = new ConcurrentQueue<string>();
        var done = 0;
        await Parallel.ForAsync(0, operations, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
        {
            try
            {
                await RunOperationAsync(i);
                Interlocked.Increment(ref done);
            }
            catch (Exception e)
            {
                failures.Enqueue($"operation {i}: {e.GetType().Name}: {e.Message}");
            }
        });

        var injected = string.Join(", ", _injected.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}"));
        Figures.Record(output, "random faults on every endpoint", $"{operations} operations, {done} right, {failures.Count} failed; faults injected: {injected}");
        Assert.True(failures.IsEmpty, string.Join('\n', failures) + "\n" + ReliabilityMode.Replay);
        Assert.NotEmpty(_injected);
    }

    private async Task RunOperationAsync(int i)
    {
        var secret = $"chaos-secret-{i}-{Guid.NewGuid():N}";
        switch (i % 4)
        {
            case 0:
            {
                // v1 encrypt, then a single decrypt (a /api/v2/decrypt batch of one).
                using var client = Client();
                var ciphertext = await client.EncryptAsync(secret, "app", "chaos");
                Assert.Equal(secret, await client.DecryptAsync(ciphertext));
                break;
            }

            case 1:
            {
                // v2 encrypt (one data key), then a fresh client decrypts through the fast path (one unwrap).
                using var writer = Client();
                var items = Enumerable.Range(0, 5).ToDictionary(n => $"k{n}", n => $"{secret}-{n}");
                var encrypted = await writer.EncryptManyAsync("app", "chaos", items);
                using var reader = Client();
                var outcomes = await reader.DecryptManyAsync([.. items.Keys.Select(k => encrypted[k])]);
                Assert.Equal(items.Values, outcomes.Select(o => o.Plaintext));
                break;
            }

            case 2:
            {
                // Envelopes decrypted remotely, whole values (fast path off).
                using var writer = Client();
                var encrypted = await writer.EncryptManyAsync("app", "chaos", new Dictionary<string, string> { ["a"] = secret, ["b"] = secret + "-b" });
                using var reader = Client(o => o.EnableEnvelopeFastPath = false);
                var outcomes = await reader.DecryptManyAsync([encrypted["a"], encrypted["b"]]);
                Assert.Equal([secret, secret + "-b"], outcomes.Select(o => o.Plaintext));
                break;
            }

            default:
            {
                // AddKamus at startup, through the same faults.
                using var writer = Client();
                var encrypted = await writer.EncryptManyAsync("app", "chaos", new Dictionary<string, string> { ["x"] = secret, ["y"] = secret + "-y" });
                var single = await writer.EncryptAsync(secret + "-z", "app", "chaos");
                var builder = new ConfigurationBuilder();
                builder.AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["A:X"] = "kamus:" + encrypted["x"],
                    ["A:Y"] = "kamus:" + encrypted["y"],
                    ["A:Z"] = "kamus:" + single,
                });
                builder.AddKamus(o =>
                {
                    o.Url = _proxy.Url;
                    o.TokenSource = new StaticTokenSource(_token);
                    o.TotalTimeout = TimeSpan.FromSeconds(90);
                    o.ConfigureClient = Tune;
                });
                var configuration = builder.Build();
                Assert.Equal(secret, configuration["A:X"]);
                Assert.Equal(secret + "-y", configuration["A:Y"]);
                Assert.Equal(secret + "-z", configuration["A:Z"]);
                (configuration as IDisposable)?.Dispose();
                break;
            }
        }
    }

    private KamusClient Client(Action<KamusClientOptions>? configure = null)
    {
        var options = KamusSystem.ClientOptions(_proxy.Url, _token);
        Tune(options);
        configure?.Invoke(options);
        return new KamusClient(options);
    }

    private static void Tune(KamusClientOptions options)
    {
        options.AttemptTimeout = TimeSpan.FromSeconds(1);
        options.TotalTimeout = TimeSpan.FromSeconds(90);
        options.MaxRetryAttempts = 12;
        options.RetryBaseDelay = TimeSpan.FromMilliseconds(20);
        options.MaxRetryDelay = TimeSpan.FromSeconds(2);
    }

    private Fault? NextFault()
    {
        lock (_gate)
        {
            if (_consecutive >= MaxConsecutiveFaults || _random.NextDouble() >= FaultRate)
            {
                _consecutive = 0;
                return null;
            }

            _consecutive++;
            var (name, make) = FaultKinds[_random.Next(FaultKinds.Length)];
            _injected.AddOrUpdate(name, 1, (_, n) => n + 1);
            return make();
        }
    }
}
