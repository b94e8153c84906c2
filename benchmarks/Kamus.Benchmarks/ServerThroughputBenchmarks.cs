using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using Kamus.Benchmarks.Infrastructure;
using Kamus.Client;
using Kamus.Client.Tokens;
using Kamus.Testing;

namespace Kamus.Benchmarks;

/// <summary>
/// Suite 3: server throughput, <c>POST /api/v1/decrypt</c> of one <c>k2.</c> value with 1, 8 and 32 concurrent clients
/// (one keep-alive connection each), token-review cache warm (one token, reviewed once) and cold (review cache disabled
/// and one token per client, so every request is a TokenReview against the stand-in). Client and server share the machine.
/// One operation is one request: <c>Op/s</c> is decrypts per second.
/// <para>
/// Server allocations per request: the server is in-process, so the process-wide allocation counter is read around a
/// measured batch of requests, and what the client threads allocated (each reads its own per-thread counter; the raw
/// client allocates nothing per request, which this confirms) is subtracted. With a cold cache the Kubernetes API
/// stand-in answers a TokenReview per request in the same process: what it allocates per review is measured alone (raw
/// reviews sent to it directly) and subtracted too.
/// </para>
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
public class ServerThroughputBenchmarks
{
    /// <summary>Requests per invocation (divisible by every <see cref="Clients"/> value).</summary>
    public const int RequestsPerInvocation = 3200;

    private KamusServerHost _server = null!;
    private Worker[] _workers = [];
    private CountdownEvent _done = null!;

    /// <summary>Concurrent clients, one connection each.</summary>
    [Params(1, 8, 32)]
    public int Clients { get; set; }

    /// <summary>Whether the server's token-review cache serves the requests.</summary>
    [Params(ReviewCacheState.Warm, ReviewCacheState.Cold)]
    public ReviewCacheState Cache { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var settings = Cache == ReviewCacheState.Cold ? new Dictionary<string, string?> { ["Kamus:ReviewCache:Enabled"] = "false" } : null;
        _server = BenchmarkServer.Start(settings);
        string ciphertext;
        using (var kamus = new KamusClient(new KamusClientOptions { Url = _server.Url, TokenSource = new StaticTokenSource(BenchmarkServer.Token) }))
        {
            ciphertext = kamus.EncryptAsync("Server=db;User Id=app;Password=p@ss:w0rd;", BenchmarkServer.ServiceAccount, BenchmarkServer.Namespace).GetAwaiter().GetResult();
        }

        _done = new CountdownEvent(Clients);
        _workers = new Worker[Clients];
        for (var i = 0; i < Clients; i++)
        {
            // Cold: a token per client, so the server's coalescing of concurrent reviews of one token cannot help.
            var token = Cache == ReviewCacheState.Cold ? $"bench-token-client-{i}" : BenchmarkServer.Token;
            _server.StandIn.AddToken(token, BenchmarkServer.Namespace, BenchmarkServer.ServiceAccount);
            var connection = new RawHttpConnection(_server.Url, "/api/v1/decrypt", token, "{\"data\":\"" + ciphertext + "\"}");
            if (connection.Send() != 200 || connection.LastBody.Contains("p@ss:w0rd", StringComparison.Ordinal) is false)
            {
                throw new InvalidOperationException("The decrypt request does not answer the plaintext.");
            }

            _workers[i] = new Worker(connection, _done);
        }

        // Warm up, then measure the server's allocations per request over a batch of its own.
        var warmup = Metrics.IsCiMode ? 320 : 3200;
        Run(warmup);
        var measured = Metrics.IsCiMode ? 640 : 6400;
        var clientBefore = _workers.Sum(w => w.AllocatedBytes);
        var totalBefore = GC.GetTotalAllocatedBytes(precise: true);
        var reviewsBefore = _server.StandIn.ReviewCount;
        Run(measured);
        var total = GC.GetTotalAllocatedBytes(precise: true) - totalBefore;
        var client = _workers.Sum(w => w.AllocatedBytes) - clientBefore;
        var reviews = _server.StandIn.ReviewCount - reviewsBefore;
        var standIn = reviews == 0 ? 0 : StandInBytesPerReview() * reviews;
        var key = Metrics.Key(nameof(Decrypt), ("Clients", Clients), ("Cache", Cache));
        Metrics.Record(key, "Server alloc/req", $"{(total - client - standIn) / (double)measured:N0} B");
        Metrics.Record(key, "Client alloc/req", $"{client / (double)measured:N0} B");
        Metrics.Record(key, "Stand-in alloc/req", $"{standIn / (double)measured:N0} B");
        Metrics.Record(key, "Reviews/req", (reviews / (double)measured).ToString("0.##", CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// What the in-process Kubernetes API stand-in allocates to answer one TokenReview, measured by sending it reviews
    /// directly from a raw connection (which allocates nothing) and subtracted from the cold figures: it is not the server.
    /// </summary>
    private double StandInBytesPerReview()
    {
        const string token = "bench-token-stand-in";
        _server.StandIn.AddToken(token, BenchmarkServer.Namespace, BenchmarkServer.ServiceAccount);
        var review = "{\"kind\":\"TokenReview\",\"apiVersion\":\"authentication.k8s.io/v1\",\"metadata\":{},\"spec\":{\"token\":\"" + token + "\"}}";
        using var connection = new RawHttpConnection(_server.StandIn.Url, KubernetesApiStandIn.TokenReviewPath, token, review);
        var count = Metrics.IsCiMode ? 100 : 1000;
        for (var i = 0; i < count / 4; i++)
        {
            Check(connection.Send());
        }

        var before = GC.GetTotalAllocatedBytes(precise: true);
        var threadBefore = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < count; i++)
        {
            Check(connection.Send());
        }

        var clientSide = GC.GetAllocatedBytesForCurrentThread() - threadBefore;
        return (GC.GetTotalAllocatedBytes(precise: true) - before - clientSide) / (double)count;

        static void Check(int status)
        {
            if (status != 201)
            {
                throw new InvalidOperationException("The stand-in did not answer the review.");
            }
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var worker in _workers)
        {
            worker.Dispose();
        }

        _done.Dispose();
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>3,200 decrypt requests spread over <see cref="Clients"/> connections.</summary>
    [Benchmark(OperationsPerInvoke = RequestsPerInvocation, Description = "POST /api/v1/decrypt")]
    public void Decrypt() => Run(RequestsPerInvocation);

    private void Run(int requests)
    {
        _done.Reset(_workers.Length);
        var each = requests / _workers.Length;
        foreach (var worker in _workers)
        {
            worker.Start(each);
        }

        _done.Wait();
        foreach (var worker in _workers)
        {
            if (worker.Failure is { } failure)
            {
                throw new InvalidOperationException("A client failed.", failure);
            }
        }
    }

    /// <summary>How the token-review cache is set up.</summary>
    public enum ReviewCacheState
    {
        /// <summary>Cache on, one token: reviewed once, then served from the cache.</summary>
        Warm,

        /// <summary>Cache off, one token per client: every request is a TokenReview.</summary>
        Cold,
    }

    /// <summary>A client thread with its connection, started per batch.</summary>
    private sealed class Worker : IDisposable
    {
        private readonly RawHttpConnection _connection;
        private readonly CountdownEvent _done;
        private readonly SemaphoreSlim _go = new(0);
        private readonly Thread _thread;
        private int _requests;
        private long _allocated;
        private volatile bool _stopping;

        public Worker(RawHttpConnection connection, CountdownEvent done)
        {
            _connection = connection;
            _done = done;
            _thread = new Thread(Loop) { IsBackground = true, Name = "bench-client" };
            _thread.Start();
        }

        public Exception? Failure { get; private set; }

        /// <summary>Bytes this client thread allocated so far (read at batch ends).</summary>
        public long AllocatedBytes => Volatile.Read(ref _allocated);

        public void Start(int requests)
        {
            _requests = requests;
            _go.Release();
        }

        public void Dispose()
        {
            _stopping = true;
            _go.Release();
            _thread.Join();
            _connection.Dispose();
            _go.Dispose();
        }

        private void Loop()
        {
            var start = GC.GetAllocatedBytesForCurrentThread();
            while (true)
            {
                _go.Wait();
                if (_stopping)
                {
                    return;
                }

                try
                {
                    for (var i = 0; i < _requests; i++)
                    {
                        if (_connection.Send() != 200)
                        {
                            throw new InvalidOperationException("The server did not answer 200.");
                        }
                    }
                }
                catch (Exception e)
                {
                    Failure = e;
                }

                Volatile.Write(ref _allocated, GC.GetAllocatedBytesForCurrentThread() - start);
                _done.Signal();
            }
        }
    }

    private sealed class ThroughputConfig : ManualConfig
    {
        public ThroughputConfig()
        {
            AddColumn(StatisticColumn.OperationsPerSecond);
            AddColumn(new KamusMetricColumn("Server alloc/req", "Bytes the server allocated per request: process-wide allocations minus the client threads' own"));
            AddColumn(new KamusMetricColumn("Client alloc/req", "Bytes the raw client threads allocated per request (subtracted above)"));
            AddColumn(new KamusMetricColumn("Stand-in alloc/req", "Bytes the in-process Kubernetes API stand-in allocated per request (measured alone, subtracted above)"));
            AddColumn(new KamusMetricColumn("Reviews/req", "TokenReviews the stand-in answered per request"));
        }
    }
}
