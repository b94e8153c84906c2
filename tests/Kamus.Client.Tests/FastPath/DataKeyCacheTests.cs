using Kamus.Wire.Crypto;
using Kamus.Wire.Formats;

namespace Kamus.Client.Tests.FastPath;

public sealed class DataKeyCacheTests
{
    private const CiphertextFormat V2 = CiphertextFormat.V2Envelope;

    [Fact]
    public void Evicts_the_least_recently_used_key_and_zeroes_it()
    {
        using var cache = new DataKeyCache(2);
        var a = cache.Add(V2, "a", DataKey.Generate());
        var b = cache.Add(V2, "b", DataKey.Generate());
        Assert.True(cache.TryGet(V2, "a", out _)); // a is now the most recent

        cache.Add(V2, "c", DataKey.Generate());

        Assert.False(cache.TryGet(V2, "b", out _));
        Assert.Throws<ObjectDisposedException>(() => b.Bytes.Length);
        Assert.True(cache.TryGet(V2, "a", out var stillA));
        Assert.Same(a, stillA);
        Assert.Equal(2, cache.Count);
    }

    [Fact]
    public void An_existing_key_wins_and_the_duplicate_is_zeroed()
    {
        using var cache = new DataKeyCache(4);
        var first = cache.Add(V2, "a", DataKey.Generate());
        var duplicate = DataKey.Generate();

        Assert.Same(first, cache.Add(V2, "a", duplicate));
        Assert.Throws<ObjectDisposedException>(() => duplicate.Bytes.Length);
    }

    [Fact]
    public void Dispose_zeroes_every_key()
    {
        var cache = new DataKeyCache(4);
        var a = cache.Add(V2, "a", DataKey.Generate());
        var b = cache.Add(V2, "b", DataKey.Generate());

        cache.Dispose();

        Assert.Throws<ObjectDisposedException>(() => a.Bytes.Length);
        Assert.Throws<ObjectDisposedException>(() => b.Bytes.Length);
        Assert.False(cache.TryGet(V2, "a", out _));
    }

    [Fact]
    public void A_key_cached_for_one_envelope_format_is_not_found_for_another()
    {
        using var cache = new DataKeyCache(4);
        cache.Add(V2, "same-text", DataKey.Generate());

        Assert.False(cache.TryGet(CiphertextFormat.UpstreamEnvelope, "same-text", out _));
        Assert.True(cache.TryGet(V2, "same-text", out _));
    }

    [Fact]
    public void Every_format_has_a_slot()
    {
        Assert.All(Enum.GetValues<CiphertextFormat>(), format => Assert.InRange((int)format, 0, DataKeyCache.FormatSlots - 1));
    }
}
