using Kamus.Wire.Formats;

namespace Kamus.Wire.Crypto;

/// <summary>
/// A bounded least-recently-used cache of unwrapped envelope data keys, by envelope format and a text key (a key
/// unwrapped for one format is never used for another: AES-GCM keys never decrypt CBC payloads). The client's text is
/// the wrapped key; the server's a digest of identity and KMS ciphertext. Optionally each entry lives at most a
/// time-to-live. Evicted and expired keys and, on <see cref="Dispose"/>, all keys are zeroed. It holds keys only, never
/// plaintext.
/// </summary>
internal sealed class DataKeyCache : IDisposable
{
    private readonly int _capacity;
    private readonly TimeSpan _timeToLive;
    private readonly TimeProvider _time;

    // One dictionary per format, by text key: a (format, text) tuple key would make the dictionary's generic code a
    // value-type instantiation, compiled by the JIT on a client's first decrypt (a cold-start cost).
    private readonly Dictionary<string, LinkedListNode<Entry>>?[] _entries = new Dictionary<string, LinkedListNode<Entry>>?[FormatSlots];
    private readonly LinkedList<Entry> _recency = new();
    private readonly Lock _gate = new();
    private bool _disposed;

    /// <summary>More than <see cref="CiphertextFormat"/> has members (a constant: counting them is reflection at startup).</summary>
    internal const int FormatSlots = 8;

    /// <summary>Creates a cache of at most <paramref name="capacity"/> keys, each kept at most <paramref name="timeToLive"/> (none: until evicted).</summary>
    public DataKeyCache(int capacity, TimeSpan? timeToLive = null, TimeProvider? timeProvider = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        if (timeToLive is { } ttl)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ttl, TimeSpan.Zero, nameof(timeToLive));
        }

        _capacity = capacity;
        _timeToLive = timeToLive ?? TimeSpan.MaxValue;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>How many keys are cached (expired ones included until they are looked up).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _recency.Count;
            }
        }
    }

    /// <summary>The key cached under <paramref name="format"/> and <paramref name="cacheKey"/>, unless absent or expired (an expired key is zeroed).</summary>
    public bool TryGet(CiphertextFormat format, string cacheKey, out DataKey key)
    {
        DataKey? expired = null;
        lock (_gate)
        {
            if (!_disposed && _entries[(int)format] is { } entries && entries.TryGetValue(cacheKey, out var node))
            {
                if (_time.GetUtcNow() < node.Value.ExpiresAt)
                {
                    _recency.Remove(node);
                    _recency.AddFirst(node);
                    key = node.Value.Key;
                    return true;
                }

                _recency.Remove(node);
                entries.Remove(cacheKey);
                expired = node.Value.Key;
            }
        }

        expired?.Dispose();
        key = null!;
        return false;
    }

    /// <summary>Adds a key and returns the cached one (an existing key wins, and <paramref name="key"/> is then zeroed).</summary>
    public DataKey Add(CiphertextFormat format, string cacheKey, DataKey key)
    {
        DataKey? evicted = null;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var entries = _entries[(int)format] ??= new(StringComparer.Ordinal);
            if (entries.TryGetValue(cacheKey, out var existing))
            {
                evicted = key;
                key = existing.Value.Key;
            }
            else
            {
                entries[cacheKey] = _recency.AddFirst(new Entry(format, cacheKey, key, ExpiryFrom(_time.GetUtcNow())));
                if (_recency.Count > _capacity)
                {
                    var last = _recency.Last!;
                    _recency.RemoveLast();
                    _entries[(int)last.Value.Format]!.Remove(last.Value.CacheKey);
                    evicted = last.Value.Key;
                }
            }
        }

        evicted?.Dispose();
        return key;
    }

    /// <summary>Zeroes every key.</summary>
    public void Dispose()
    {
        List<DataKey> keys;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            keys = [.. _recency.Select(e => e.Key)];
            Array.Clear(_entries);
            _recency.Clear();
        }

        foreach (var key in keys)
        {
            key.Dispose();
        }
    }

    /// <summary>Counts only, never keys.</summary>
    public override string ToString() => $"DataKeyCache({Count}/{_capacity})";

    private DateTimeOffset ExpiryFrom(DateTimeOffset now) =>
        _timeToLive == TimeSpan.MaxValue || DateTimeOffset.MaxValue - now <= _timeToLive ? DateTimeOffset.MaxValue : now + _timeToLive;

    private sealed record Entry(CiphertextFormat Format, string CacheKey, DataKey Key, DateTimeOffset ExpiresAt)
    {
        public override string ToString() => "Entry(redacted)";
    }
}
