using System.Reflection;
using Kamus.Client;
using Kamus.Reliability.Tests.Support;
using Kamus.Server.Authentication;
using Microsoft.Extensions.DependencyInjection;

namespace Kamus.Reliability.Tests.Load;

/// <summary>Many distinct tokens and many distinct data keys: the server's review cache and the client's data-key cache stay at their bounds.</summary>
public sealed class CacheBoundTests(ITestOutputHelper output)
{
    private const int Concurrency = 8;

    [Fact]
    public async Task The_review_cache_stays_within_its_bound_under_many_distinct_tokens()
    {
        const int Bound = 64;
        var tokens = ReliabilityMode.Count(ci: 400, longMode: 20_000);
        await using var system = await KamusSystem.StartAsync(o =>
        {
            o.Settings["Kamus:ReviewCache:MaxEntries"] = Bound.ToString(System.Globalization.CultureInfo.InvariantCulture);
            o.Settings["Kamus:Audit:Enabled"] = "false";
        });
        using var writer = system.Client("unused");
        var value = await writer.EncryptAsync("cache-secret", "app", "cache");
        var cache = system.Host.Services.GetRequiredService<ReviewCache>();
        using var http = system.Host.CreateHttpClient();
        var largest = 0;
        var failures = 0;

        await Parallel.ForAsync(0, tokens, new ParallelOptions { MaxDegreeOfParallelism = Concurrency }, async (i, cancellationToken) =>
        {
            using var client = system.Client(system.TokenFor("cache", $"app-{i % 50}"), o => o.MaxRetryAttempts = 0);
            var outcome = (await client.DecryptManyAsync([value], cancellationToken))[0];
            if (outcome.ErrorKind is not (null or KamusErrorKind.Forbidden))
            {
                Interlocked.Increment(ref failures);
            }

            int seen, current;
            do
            {
                seen = Volatile.Read(ref largest);
                current = cache.Count;
            }
            while (current > seen && Interlocked.CompareExchange(ref largest, current, seen) != seen);
        });

        Figures.Record(output, "review cache bound", $"{tokens} distinct tokens, {Concurrency} at a time: largest size seen {largest} (bound {Bound}); unexpected failures {failures}");
        Assert.Equal(0, failures);
        Assert.InRange(largest, 1, Bound);
    }

    [Fact]
    public async Task The_client_data_key_cache_stays_at_its_bound_under_many_distinct_data_keys()
    {
        const int Bound = 16;
        var keys = ReliabilityMode.Count(ci: 120, longMode: 5_000);
        await using var system = await KamusSystem.StartAsync(o => o.Settings["Kamus:Audit:Enabled"] = "false");
        using var writer = system.Client("unused");
        using var reader = system.Client(system.TokenFor("cache", "app"), o => o.DataKeyCacheSize = Bound);
        var cached = typeof(KamusClient).GetProperty("CachedDataKeys", BindingFlags.Instance | BindingFlags.NonPublic)!;
        var largest = 0;

        for (var i = 0; i < keys; i++)
        {
            // Each batch encrypt makes a fresh data key; the reader unwraps it once and decrypts locally.
            var envelope = (await writer.EncryptManyAsync("app", "cache", new Dictionary<string, string> { ["a"] = $"v{i}" }))["a"];
            Assert.Equal($"v{i}", await reader.DecryptAsync(envelope));
            largest = Math.Max(largest, (int)cached.GetValue(reader)!);
        }

        Figures.Record(output, "data-key cache bound", $"{keys} distinct data keys: largest cache size {largest} (bound {Bound})");
        Assert.Equal(Bound, largest);
    }
}
