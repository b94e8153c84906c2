using System.Collections.Concurrent;
using Kamus.Wire.Identity;
using Kamus.Server.Configuration;
using Microsoft.Extensions.Options;

namespace Kamus.Server.Authentication;

/// <summary>
/// Successful token reviews, keyed by the SHA-256 of the token, kept until the earlier of the token's own expiry and the
/// configured TTL. Bounded: when full, expired entries are dropped, and if that is not enough the cache starts afresh.
/// Lookups take no lock; adds (one per TokenReview actually sent) are serialised, so the bound is strict.
/// </summary>
internal sealed class ReviewCache
{
    private readonly ConcurrentDictionary<TokenDigest, Entry> _entries = new();
    private readonly Lock _addGate = new();
    private readonly TimeProvider _time;
    private readonly ReviewCacheOptions _options;

    /// <summary>Creates the cache.</summary>
    public ReviewCache(IOptions<KamusServerOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value.ReviewCache;
        _time = time;
    }

    /// <summary>The number of entries (expired ones included until swept).</summary>
    public int Count => _entries.Count;

    /// <summary>A cached identity for this token digest, if still fresh.</summary>
    public bool TryGet(TokenDigest digest, out ServiceAccountIdentity identity)
    {
        identity = default;
        if (!_options.Enabled || !_entries.TryGetValue(digest, out var entry))
        {
            return false;
        }

        if (entry.ExpiresAt <= _time.GetUtcNow())
        {
            _entries.TryRemove(KeyValuePair.Create(digest, entry));
            return false;
        }

        identity = entry.Identity;
        return true;
    }

    /// <summary>Remembers a successful review.</summary>
    public void Add(TokenDigest digest, ServiceAccountIdentity identity, DateTimeOffset? tokenExpiresAt)
    {
        if (!_options.Enabled || _options.MaxEntries <= 0 || _options.Ttl <= TimeSpan.Zero)
        {
            return;
        }

        var now = _time.GetUtcNow();
        var expiresAt = now + _options.Ttl;
        if (tokenExpiresAt is { } tokenExpiry && tokenExpiry < expiresAt)
        {
            expiresAt = tokenExpiry;
        }

        if (expiresAt <= now)
        {
            return;
        }

        // Only adds grow the cache (lookups only remove), so checking the size and adding under one lock keeps it in bounds.
        lock (_addGate)
        {
            if (_entries.Count >= _options.MaxEntries)
            {
                Sweep(now);
            }

            _entries[digest] = new Entry(identity, expiresAt);
        }
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach (var (key, entry) in _entries)
        {
            if (entry.ExpiresAt <= now)
            {
                _entries.TryRemove(key, out _);
            }
        }

        if (_entries.Count >= _options.MaxEntries)
        {
            _entries.Clear();
        }
    }

    private sealed record Entry(ServiceAccountIdentity Identity, DateTimeOffset ExpiresAt);
}
