using System.Collections.Concurrent;
using Kamus.Wire.Identity;
using Kamus.Server.Configuration;
using Microsoft.Extensions.Options;

namespace Kamus.Server.Authentication;

/// <summary>
/// Token reviews, keyed by the SHA-256 of the token (no token is kept). Successful reviews are kept until the earlier of
/// the token's own expiry and <see cref="ReviewCacheOptions.Ttl"/>; refused ones (unknown, expired, not a service
/// account) for the short <see cref="ReviewCacheOptions.RefusedTtl"/>, so a caller repeating a bad token costs no
/// TokenReview each time. The two are bounded separately, so a flood of bad tokens never evicts good reviews.
/// </summary>
internal sealed class ReviewCache
{
    private readonly DigestMap<ServiceAccountIdentity> _accepted;
    private readonly DigestMap<TokenReviewResult> _refused;
    private readonly TimeProvider _time;
    private readonly ReviewCacheOptions _options;

    /// <summary>Creates the cache.</summary>
    public ReviewCache(IOptions<KamusServerOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value.ReviewCache;
        _time = time;
        _accepted = new DigestMap<ServiceAccountIdentity>(_options.MaxEntries);
        _refused = new DigestMap<TokenReviewResult>(_options.MaxEntries);
    }

    /// <summary>The number of successful reviews held (expired ones included until swept).</summary>
    public int Count => _accepted.Count;

    /// <summary>The number of refusals held (expired ones included until swept).</summary>
    public int RefusedCount => _refused.Count;

    /// <summary>A cached identity for this token digest, if still fresh.</summary>
    public bool TryGet(TokenDigest digest, out ServiceAccountIdentity identity)
    {
        identity = default;
        return _options.Enabled && _accepted.TryGet(digest, _time.GetUtcNow(), out identity);
    }

    /// <summary>A cached refusal for this token digest, if still fresh.</summary>
    public bool TryGetRefusal(TokenDigest digest, out TokenReviewResult refusal)
    {
        refusal = null!;
        return _options.Enabled && _refused.TryGet(digest, _time.GetUtcNow(), out refusal);
    }

    /// <summary>Remembers a successful review.</summary>
    public void Add(TokenDigest digest, ServiceAccountIdentity identity, DateTimeOffset? tokenExpiresAt)
    {
        if (!_options.Enabled || _options.Ttl <= TimeSpan.Zero)
        {
            return;
        }

        var now = _time.GetUtcNow();
        var expiresAt = now + _options.Ttl;
        if (tokenExpiresAt is { } tokenExpiry && tokenExpiry < expiresAt)
        {
            expiresAt = tokenExpiry;
        }

        _accepted.Add(digest, identity, expiresAt, now);
    }

    /// <summary>Remembers a refusal (never an unavailable reviewer: that is not the token's fault).</summary>
    public void AddRefusal(TokenDigest digest, TokenReviewResult refusal)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        if (!_options.Enabled || _options.RefusedTtl <= TimeSpan.Zero || refusal.Outcome is ReviewOutcome.Authenticated or ReviewOutcome.Unavailable)
        {
            return;
        }

        var now = _time.GetUtcNow();
        _refused.Add(digest, refusal, now + _options.RefusedTtl, now);
    }

    /// <summary>
    /// Digest → value until a time. Lookups take no lock; adds are serialised, so the bound is strict. When full,
    /// expired entries are dropped, and if that is not enough the map starts afresh.
    /// </summary>
    private sealed class DigestMap<T>(int maxEntries)
    {
        private readonly ConcurrentDictionary<TokenDigest, (T Value, DateTimeOffset ExpiresAt)> _entries = new();
        private readonly Lock _addGate = new();

        public int Count => _entries.Count;

        public bool TryGet(TokenDigest digest, DateTimeOffset now, out T value)
        {
            value = default!;
            if (!_entries.TryGetValue(digest, out var entry))
            {
                return false;
            }

            if (entry.ExpiresAt <= now)
            {
                _entries.TryRemove(KeyValuePair.Create(digest, entry));
                return false;
            }

            value = entry.Value;
            return true;
        }

        public void Add(TokenDigest digest, T value, DateTimeOffset expiresAt, DateTimeOffset now)
        {
            if (maxEntries <= 0 || expiresAt <= now)
            {
                return;
            }

            // Only adds grow the map (lookups only remove), so checking the size and adding under one lock keeps it in bounds.
            lock (_addGate)
            {
                if (_entries.Count >= maxEntries)
                {
                    Sweep(now);
                }

                _entries[digest] = (value, expiresAt);
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

            if (_entries.Count >= maxEntries)
            {
                _entries.Clear();
            }
        }
    }
}
