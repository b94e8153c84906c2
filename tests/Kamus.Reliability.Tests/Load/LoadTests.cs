using System.Collections.Concurrent;
using System.Diagnostics;
using Kamus.Client;
using Kamus.Reliability.Tests.Support;
using Kamus.Server.Authentication;
using Microsoft.Extensions.DependencyInjection;

namespace Kamus.Reliability.Tests.Load;

/// <summary>
/// Bounded concurrent load on the real server over loopback: N clients, each with its own token and connection pool,
/// decrypting (single values and batches) and encrypting for a fixed time. Zero errors is asserted; requests per
/// second, latency percentiles and memory are recorded, never asserted (docs/reliability.md).
/// </summary>
[Collection(SerialTests.Name)]
public sealed class LoadTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Concurrent_clients_get_zero_errors_and_memory_stays_bounded()
    {
        var clients = ReliabilityMode.Count(ci: 16, longMode: 64);
        var duration = TimeSpan.FromSeconds(ReliabilityMode.Count(ci: 3, longMode: 60));
        await using var system = await KamusSystem.StartAsync(o =>
        {
            // Production-like logging: the fixture keeps every record in memory, which would otherwise be measured.
            o.Settings["Kamus:Audit:Enabled"] = "false";
            o.Settings["Logging:LogLevel:Default"] = "Warning";
        });
        string value;
        string[] batch;
        using (var writer = system.Client("unused"))
        {
            value = await writer.EncryptAsync("load-secret", "app", "load");
            batch = [.. (await Task.WhenAll(Enumerable.Range(0, 10).Select(i => writer.EncryptAsync($"load-secret-{i}", "app", "load"))))];
        }

        var workers = Enumerable.Range(0, clients).Select(_ => system.Client(system.TokenFor("load", "app"), o => o.EnableEnvelopeFastPath = false)).ToArray();
        foreach (var worker in workers)
        {
            Assert.Equal("load-secret", await worker.DecryptAsync(value));
        }

        system.Host.ResetCounts();
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var latencies = new ConcurrentBag<double>();
        var errors = new ConcurrentQueue<string>();
        long peakWorkingSet = 0;
        using var stop = new CancellationTokenSource(duration);
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var process = Process.GetCurrentProcess();
                peakWorkingSet = Math.Max(peakWorkingSet, process.WorkingSet64);
                await Task.Delay(250, CancellationToken.None);
            }
        });

        var clock = Stopwatch.StartNew();
        var operations = await Task.WhenAll(workers.Select(async (client, index) =>
        {
            var count = 0;
            while (!stop.IsCancellationRequested)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    switch (count % 10)
                    {
                        case 0:
                            var outcomes = await client.DecryptManyAsync(batch, CancellationToken.None);
                            if (outcomes.Any(o => !o.Succeeded))
                            {
                                errors.Enqueue($"client {index}: {outcomes.First(o => !o.Succeeded)}");
                            }

                            break;
                        case 5:
                            await client.EncryptAsync("load-write", "app", "load", CancellationToken.None);
                            break;
                        default:
                            if (await client.DecryptAsync(value, CancellationToken.None) != "load-secret")
                            {
                                errors.Enqueue($"client {index}: wrong plaintext");
                            }

                            break;
                    }
                }
                catch (KamusException e)
                {
                    errors.Enqueue($"client {index}: {e.Kind} {e.Message}");
                }

                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                count++;
            }

            return count;
        }));
        var elapsed = clock.Elapsed;
        await sampler;
        foreach (var worker in workers)
        {
            worker.Dispose();
        }

        var heapAfter = GC.GetTotalMemory(forceFullCollection: true);
        var sorted = latencies.Order().ToArray();
        var total = operations.Sum();
        var requests = system.Host.RequestCount("/api/v2/decrypt") + system.Host.RequestCount("/api/v1/encrypt");
        var reviewCache = system.Host.Services.GetRequiredService<ReviewCache>().Count;
        Figures.Record(output, "load", string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{clients} clients x {elapsed.TotalSeconds:F1} s on {Environment.ProcessorCount} cores: {total} operations ({total / elapsed.TotalSeconds:F0}/s), {requests} HTTP requests ({requests / elapsed.TotalSeconds:F0}/s), latency p50 {Percentile(sorted, 0.50):F2} ms, p99 {Percentile(sorted, 0.99):F2} ms, max {sorted[^1]:F1} ms; errors {errors.Count}; managed heap after full GC {heapBefore / 1048576.0:F1} -> {heapAfter / 1048576.0:F1} MiB, peak working set {peakWorkingSet / 1048576.0:F0} MiB; review cache {reviewCache} entries"));

        Assert.True(errors.IsEmpty, string.Join('\n', errors.Take(10)));
        Assert.True(total > 0);

        // The bound: the load leaves no growth behind beyond noise (caches are bounded, nothing accumulates per request).
        Assert.True(heapAfter - heapBefore < 256L * 1024 * 1024, $"managed heap grew by {(heapAfter - heapBefore) / 1048576} MiB");
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
