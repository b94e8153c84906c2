namespace Kamus.Client.Tokens;

/// <summary>
/// The in-memory token of a source that has to fetch it (read a file, ask an API): served while
/// <paramref name="isFresh"/> says so, otherwise fetched again by one caller at a time while the others wait for it,
/// and forgotten on <see cref="Invalidate"/>.
/// </summary>
/// <typeparam name="TEntry">The source's cached token with what it needs to judge freshness (never printed).</typeparam>
/// <param name="isFresh">Whether a cached entry may still be served.</param>
/// <param name="fetch">Gets a new entry.</param>
internal sealed class TokenCache<TEntry>(Func<TEntry, bool> isFresh, Func<CancellationToken, Task<TEntry>> fetch) : IDisposable
    where TEntry : class
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile TEntry? _cached;

    public async ValueTask<TEntry> GetAsync(CancellationToken cancellationToken)
    {
        var cached = _cached;
        if (cached is not null && isFresh(cached))
        {
            return cached;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Another caller may have fetched it while this one waited.
            cached = _cached;
            if (cached is not null && isFresh(cached))
            {
                return cached;
            }

            cached = await fetch(cancellationToken).ConfigureAwait(false);
            _cached = cached;
            return cached;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Invalidate() => _cached = null;

    /// <summary>Forgets the token.</summary>
    public void Dispose()
    {
        _cached = null;
        _gate.Dispose();
    }
}
