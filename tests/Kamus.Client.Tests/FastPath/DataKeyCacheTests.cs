using Kamus.Wire.Crypto;

namespace Kamus.Client.Tests.FastPath;

public sealed class DataKeyCacheTests
{
    [Fact]
    public void Evicts_the_least_recently_used_key_and_zeroes_it()
    {
        using var cache = new DataKeyCache(2);
        var a = cache.Add("a", DataKey.Generate());
        var b = cache.Add("b", DataKey.Generate());
        Assert.True(cache.TryGet("a", out _)); // a is now the most recent

        cache.Add("c", DataKey.Generate());

        Assert.False(cache.TryGet("b", out _));
        Assert.Throws<ObjectDisposedException>(() => b.Bytes.Length);
        Assert.True(cache.TryGet("a", out var stillA));
        Assert.Same(a, stillA);
        Assert.Equal(2, cache.Count);
    }

    [Fact]
    public void An_existing_key_wins_and_the_duplicate_is_zeroed()
    {
        using var cache = new DataKeyCache(4);
        var first = cache.Add("a", DataKey.Generate());
        var duplicate = DataKey.Generate();

        Assert.Same(first, cache.Add("a", duplicate));
        Assert.Throws<ObjectDisposedException>(() => duplicate.Bytes.Length);
    }

    [Fact]
    public void Dispose_zeroes_every_key()
    {
        var cache = new DataKeyCache(4);
        var a = cache.Add("a", DataKey.Generate());
        var b = cache.Add("b", DataKey.Generate());

        cache.Dispose();

        Assert.Throws<ObjectDisposedException>(() => a.Bytes.Length);
        Assert.Throws<ObjectDisposedException>(() => b.Bytes.Length);
        Assert.False(cache.TryGet("a", out _));
    }
}
