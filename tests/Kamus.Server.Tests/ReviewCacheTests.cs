using Kamus.Wire.Identity;
using Kamus.Server.Authentication;
using Kamus.Server.Configuration;
using Microsoft.Extensions.Options;

namespace Kamus.Server.Tests;

public sealed class ReviewCacheTests
{
    [Fact]
    public void Concurrent_adds_never_take_the_cache_past_its_bound()
    {
        const int Bound = 64;
        const int PerThread = 20_000;
        var threads = Math.Max(2, Environment.ProcessorCount);
        var identity = new ServiceAccountIdentity("ns-a", "sa1");
        var cache = new ReviewCache(Options.Create(new KamusServerOptions { ReviewCache = { MaxEntries = Bound } }), TimeProvider.System);
        var digests = Enumerable.Range(0, threads)
            .Select(t => Enumerable.Range(0, PerThread).Select(i => TokenDigest.Of($"token-{t}-{i}")).ToArray())
            .ToArray();
        var largest = 0;
        var arrived = 0;

        var racers = digests.Select(mine => new Thread(() =>
        {
            // Start together, so the adds overlap from the first one.
            Interlocked.Increment(ref arrived);
            while (Volatile.Read(ref arrived) < threads)
            {
                Thread.SpinWait(10);
            }

            var seen = 0;
            foreach (var digest in mine)
            {
                cache.Add(digest, identity, null);
                seen = Math.Max(seen, cache.Count);
            }

            InterlockedMax(ref largest, seen);
        })).ToArray();
        Array.ForEach(racers, t => t.Start());
        Array.ForEach(racers, t => t.Join());

        Assert.InRange(largest, 1, Bound);
    }

    [Fact]
    public void A_full_cache_drops_expired_entries_first_and_starts_afresh_when_none_are()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var cache = new ReviewCache(Options.Create(new KamusServerOptions { ReviewCache = { MaxEntries = 4, Ttl = TimeSpan.FromMinutes(1) } }), clock);
        var identity = new ServiceAccountIdentity("ns-a", "sa1");
        cache.Add(TokenDigest.Of("short-lived"), identity, clock.GetUtcNow().AddSeconds(5));
        for (var i = 0; i < 3; i++)
        {
            cache.Add(TokenDigest.Of($"t{i}"), identity, null);
        }

        clock.Advance(TimeSpan.FromSeconds(10));
        cache.Add(TokenDigest.Of("t3"), identity, null);
        Assert.Equal(4, cache.Count);
        Assert.True(cache.TryGet(TokenDigest.Of("t0"), out _));

        cache.Add(TokenDigest.Of("t4"), identity, null);
        Assert.Equal(1, cache.Count);
        Assert.True(cache.TryGet(TokenDigest.Of("t4"), out _));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
