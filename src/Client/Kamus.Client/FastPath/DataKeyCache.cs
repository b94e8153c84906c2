using Kamus.Wire.Crypto;
using Kamus.Wire.Formats;

namespace Kamus.Client.FastPath;

/// <summary>
/// A bounded least-recently-used cache of unwrapped envelope data keys, by envelope format and wrapped key text (a
/// key unwrapped for one format is never used for another: AES-GCM keys never decrypt CBC payloads). Evicted keys and, on
/// <see cref="Dispose"/>, all keys are zeroed. It holds keys only, never plaintext.
/// </summary>
internal sealed class DataKeyCache : IDisposable
{
    private readonly int _capacity;
    private readonly Dictionary<(CiphertextFormat Format, string WrappedKey), LinkedListNode<Entry>> _entries = [];
    private readonly LinkedList<Entry> _recency = new();
    private readonly Lock _gate = new();
    private bool _disposed;

    public DataKeyCache(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    public bool TryGet(CiphertextFormat format, string wrappedKey, out DataKey key)
    {
        lock (_gate)
        {
            if (!_disposed && _entries.TryGetValue((format, wrappedKey), out var node))
            {
                _recency.Remove(node);
                _recency.AddFirst(node);
                key = node.Value.Key;
                return true;
            }
        }

        key = null!;
        return false;
    }

    /// <summary>Adds a key and returns the cached one (an existing key wins, and <paramref name="key"/> is then zeroed).</summary>
    public DataKey Add(CiphertextFormat format, string wrappedKey, DataKey key)
    {
        DataKey? evicted = null;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_entries.TryGetValue((format, wrappedKey), out var existing))
            {
                evicted = key;
                key = existing.Value.Key;
            }
            else
            {
                _entries[(format, wrappedKey)] = _recency.AddFirst(new Entry((format, wrappedKey), key));
                if (_entries.Count > _capacity)
                {
                    var last = _recency.Last!;
                    _recency.RemoveLast();
                    _entries.Remove(last.Value.Id);
                    evicted = last.Value.Key;
                }
            }
        }

        evicted?.Dispose();
        return key;
    }

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
            _entries.Clear();
            _recency.Clear();
        }

        foreach (var key in keys)
        {
            key.Dispose();
        }
    }

    public override string ToString() => $"DataKeyCache({Count}/{_capacity})";

    private sealed record Entry((CiphertextFormat Format, string WrappedKey) Id, DataKey Key)
    {
        public override string ToString() => "Entry(redacted)";
    }
}
