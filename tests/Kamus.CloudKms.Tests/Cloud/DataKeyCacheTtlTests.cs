using Kamus.KeyManagement;
using Kamus.KeyManagement.Cloud;
using Kamus.Wire.Crypto;
using Kamus.Wire.Formats;
using Microsoft.Extensions.Time.Testing;

namespace Kamus.CloudKms.Tests.Cloud;

/// <summary>The time-to-live the server's cache of KMS data keys adds to the shared data-key cache.</summary>
public sealed class DataKeyCacheTtlTests
{
    private const CiphertextFormat V2 = CiphertextFormat.V2Envelope;

    [Fact]
    public void A_key_expires_after_its_ttl_and_is_zeroed()
    {
        var time = new FakeTimeProvider();
        using var cache = new DataKeyCache(8, TimeSpan.FromMinutes(5), time);
        var key = cache.Add(V2, "a", DataKey.Generate());

        time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromTicks(1));
        Assert.True(cache.TryGet(V2, "a", out var found));
        Assert.Same(key, found);

        time.Advance(TimeSpan.FromTicks(1));
        Assert.False(cache.TryGet(V2, "a", out _));
        Assert.False(key.TryCopyTo(new byte[32]));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void A_lookup_does_not_extend_the_ttl()
    {
        var time = new FakeTimeProvider();
        using var cache = new DataKeyCache(8, TimeSpan.FromMinutes(5), time);
        cache.Add(V2, "a", DataKey.Generate());

        time.Advance(TimeSpan.FromMinutes(4));
        Assert.True(cache.TryGet(V2, "a", out _));
        time.Advance(TimeSpan.FromMinutes(1));

        Assert.False(cache.TryGet(V2, "a", out _));
    }

    [Fact]
    public void The_settings_make_a_bounded_cache_or_none()
    {
        Assert.Null(new DataKeyCacheOptions { MaxEntries = 0 }.CreateCache(TimeProvider.System));
        using var cache = new DataKeyCacheOptions { MaxEntries = 2 }.CreateCache(TimeProvider.System)!;
        cache.Add(V2, "a", DataKey.Generate());
        cache.Add(V2, "b", DataKey.Generate());
        cache.Add(V2, "c", DataKey.Generate());
        Assert.Equal(2, cache.Count);

        Assert.Contains("KeyManagement:DataKeyCache:MaxEntries", Assert.Throws<KamusSettingsException>(() => new DataKeyCacheOptions { MaxEntries = -1 }.CreateCache(TimeProvider.System)).Message, StringComparison.Ordinal);
        Assert.Contains("KeyManagement:DataKeyCache:Ttl", Assert.Throws<KamusSettingsException>(() => new DataKeyCacheOptions { Ttl = TimeSpan.Zero }.CreateCache(TimeProvider.System)).Message, StringComparison.Ordinal);
    }
}
