using System.Net.Http.Headers;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using Kamus.Benchmarks.Infrastructure;
using Kamus.Client;
using Kamus.Client.Tokens;
using Kamus.Testing;
using Microsoft.Extensions.Configuration;

namespace Kamus.Benchmarks;

/// <summary>
/// Suite 2: configuration startup, <c>ConfigurationBuilder</c> + <c>AddKamus()</c> + <c>Build()</c> with N encrypted
/// values, against the real Kamus.Server on loopback. Every invocation is a fresh startup: a new client, a new
/// connection (the server's review cache is warm, as it is for the second pod of a deployment). The baseline is the
/// upstream init container's way: one <c>/api/v1/decrypt</c> per value, one after another, with a plain HttpClient.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(StartupConfig))]
public class StartupBenchmarks
{
    private static readonly string[] CountedPaths = ["/api/v1/decrypt", "/api/v2/decrypt"];

    private KamusServerHost _server = null!;
    private KamusServerHost _upstreamServer = null!;
    private Dictionary<string, string?> _plain = null!;
    private Dictionary<string, string?> _envelopes = null!;
    private Dictionary<string, string?> _values = null!;
    private string[] _valueCiphertexts = null!;
    private string _lastMethod = "";
    private int _invocations;

    /// <summary>How many encrypted values the configuration holds.</summary>
    [Params(10, 100, 1000)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _server = BenchmarkServer.Start();
        _upstreamServer = BenchmarkServer.Start(withoutV2: true);
        _plain = [];
        var secrets = new Dictionary<string, string>();
        for (var i = 0; i < N; i++)
        {
            var secret = $"secret-{i:D4}-Password=p@ss:w0rd;{new string('x', 24)}";
            secrets[$"App:Secret{i:D4}"] = secret;
            _plain[$"App:Secret{i:D4}"] = secret;
        }

        using var client = new KamusClient(ClientOptions(_server.Url));

        // (a): one /api/v2/encrypt bundle, every value a k2e envelope sharing one data key.
        var bundle = client.EncryptManyAsync(BenchmarkServer.ServiceAccount, BenchmarkServer.Namespace, secrets).GetAwaiter().GetResult();
        _envelopes = bundle.ToDictionary(p => p.Key, p => (string?)("kamus:" + p.Value));

        // (b), (c), (d): independent values, one /api/v1/encrypt each (k2. values).
        _valueCiphertexts = new string[N];
        var names = secrets.Keys.ToArray();
        Parallel.For(0, N, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
            _valueCiphertexts[i] = client.EncryptAsync(secrets[names[i]], BenchmarkServer.ServiceAccount, BenchmarkServer.Namespace).GetAwaiter().GetResult());
        _values = [];
        for (var i = 0; i < N; i++)
        {
            _values[names[i]] = "kamus:" + _valueCiphertexts[i];
        }

        // Every way must produce the plaintext configuration, or the timings mean nothing.
        Check(BuildUndisposed(_envelopes, _server), "(a)");
        Check(BuildUndisposed(_values, _server), "(b)");
        Check(BuildUndisposed(_values, _upstreamServer), "(c)");
        Check(InitContainer(), "(d)");
        _server.ResetCounts();
        _upstreamServer.ResetCounts();
        _invocations = 0;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (_invocations > 0)
        {
            var server = _lastMethod == nameof(UpstreamParallel) ? _upstreamServer : _server;
            var calls = CountedPaths.Sum(server.RequestCount);
            var perStartup = (double)calls / _invocations;
            var reviews = (double)server.StandIn.ReviewCount / _invocations;
            var key = Metrics.Key(_lastMethod, ("N", N));
            Metrics.Record(key, "Remote calls", perStartup.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture));
            Metrics.Record(key, "Token reviews", reviews.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture));
        }

        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _upstreamServer.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>The floor: the same keys, in plain text, without Kamus.</summary>
    [Benchmark(Description = "floor: plain configuration, no Kamus")]
    public IConfigurationRoot Floor()
    {
        _lastMethod = nameof(Floor);
        return new ConfigurationBuilder().AddInMemoryCollection(_plain).Build();
    }

    /// <summary>(a) An envelope bundle: one unwrap of the shared data key, then local decryption.</summary>
    [Benchmark(Description = "(a) AddKamus: envelope bundle, one data key")]
    public IConfigurationRoot Envelopes() => BuildWithKamus(nameof(Envelopes), _envelopes, _server);

    /// <summary>(b) Independent values through the batch endpoint: one <c>/api/v2/decrypt</c>.</summary>
    [Benchmark(Description = "(b) AddKamus: independent values, batch endpoint")]
    public IConfigurationRoot BatchEndpoint() => BuildWithKamus(nameof(BatchEndpoint), _values, _server);

    /// <summary>(c) Against a server without v2: one <c>/api/v1/decrypt</c> per value, 8 at a time.</summary>
    [Benchmark(Description = "(c) AddKamus: upstream server, v1 per value, 8 parallel")]
    public IConfigurationRoot UpstreamParallel() => BuildWithKamus(nameof(UpstreamParallel), _values, _upstreamServer);

    /// <summary>(d) The init-container way: one <c>/api/v1/decrypt</c> per value, in sequence, plain HttpClient.</summary>
    [Benchmark(Baseline = true, Description = "(d) init-container way: v1 per value, sequential")]
    public IConfigurationRoot InitContainer()
    {
        _lastMethod = nameof(InitContainer);
        _invocations++;

        // As the upstream Node init container does: read the token, then POST {"data": ...} with the bearer token for
        // each value in turn, and hand the plaintexts to the app (here in memory rather than files: cheaper, so the
        // baseline is if anything flattered). One keep-alive connection, which flatters it too.
        using var http = new HttpClient { BaseAddress = _server.Url };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", BenchmarkServer.Token);
        var decrypted = new Dictionary<string, string?>(N);
        var i = 0;
        foreach (var name in _values.Keys)
        {
            using var body = new StringContent("{\"data\":\"" + _valueCiphertexts[i++] + "\"}", Encoding.UTF8, "application/json");
            using var response = http.PostAsync("api/v1/decrypt", body).GetAwaiter().GetResult();
            response.EnsureSuccessStatusCode();
            decrypted[name] = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
        }

        return new ConfigurationBuilder().AddInMemoryCollection(decrypted).Build();
    }

    private IConfigurationRoot BuildWithKamus(string method, Dictionary<string, string?> encrypted, KamusServerHost server)
    {
        _lastMethod = method;
        _invocations++;
        var root = BuildUndisposed(encrypted, server);

        // A startup builds its configuration once and keeps it; disposing here releases the client and its connection.
        ((IDisposable)root).Dispose();
        return root;
    }

    private static IConfigurationRoot BuildUndisposed(Dictionary<string, string?> encrypted, KamusServerHost server) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(encrypted)
            .AddKamus(o =>
            {
                o.Url = server.Url;
                o.TokenSource = new StaticTokenSource(BenchmarkServer.Token);
            })
            .Build();

    private static KamusClientOptions ClientOptions(Uri url) =>
        new() { Url = url, TokenSource = new StaticTokenSource(BenchmarkServer.Token) };

    private void Check(IConfigurationRoot root, string way)
    {
        foreach (var (key, value) in _plain)
        {
            if (root[key] != value)
            {
                throw new InvalidOperationException($"{way}: {key} did not decrypt to its plaintext.");
            }
        }

        (root as IDisposable)?.Dispose();
    }

    private sealed class StartupConfig : ManualConfig
    {
        public StartupConfig()
        {
            AddColumn(new KamusMetricColumn("Remote calls", "Requests to /api/v1/decrypt and /api/v2/decrypt per startup, counted by the server"));
            AddColumn(new KamusMetricColumn("Token reviews", "TokenReviews the server sent per startup (its review cache is warm)"));
            AddColumn(BaselineRatioColumn.RatioMean);
            WithOrderer(new BenchmarkDotNet.Order.DefaultOrderer(BenchmarkDotNet.Order.SummaryOrderPolicy.Declared));
        }
    }
}
