namespace Kamus.Controller.Informers;

/// <summary>
/// Exponential backoff with jitter for reconnecting: each delay is drawn between half and all of a ceiling that
/// doubles per attempt up to <c>max</c>, so many controllers restarted together do not reconnect in lockstep.
/// </summary>
internal sealed class Backoff(TimeSpan initial, TimeSpan max)
{
    private int _attempt;

    /// <summary>The next delay.</summary>
    public TimeSpan Next()
    {
        var ceiling = _attempt >= 30 ? max : TimeSpan.FromTicks(Math.Min(max.Ticks, initial.Ticks << _attempt));
        _attempt++;
        return ceiling * (0.5 + (Random.Shared.NextDouble() / 2));
    }

    /// <summary>Starts over after a success.</summary>
    public void Reset() => _attempt = 0;
}
