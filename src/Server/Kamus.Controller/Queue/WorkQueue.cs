namespace Kamus.Controller.Queue;

/// <summary>
/// The controller's work queue, with client-go's semantics: a key waits in the queue at most once, a key is handed to
/// one worker at a time (one added while it is being processed is queued again when the worker is done), and a failed
/// key is retried after a delay that doubles per consecutive failure of that key, up to a maximum.
/// </summary>
internal sealed class WorkQueue : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Queue<string> _queue = new();
    private readonly HashSet<string> _dirty = new(StringComparer.Ordinal);
    private readonly HashSet<string> _processing = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _failures = new(StringComparer.Ordinal);
    private readonly HashSet<ITimer> _timers = [];
    private readonly SemaphoreSlim _available = new(0);
    private readonly TimeProvider _time;
    private readonly TimeSpan _initialDelay;
    private readonly TimeSpan _maxDelay;

    public WorkQueue(TimeProvider time, TimeSpan initialDelay, TimeSpan maxDelay)
    {
        _time = time;
        _initialDelay = initialDelay;
        _maxDelay = maxDelay;
    }

    /// <summary>How many keys wait to be processed.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Queues <paramref name="key"/> unless it is already waiting.</summary>
    public void Add(string key)
    {
        lock (_gate)
        {
            if (!_dirty.Add(key) || _processing.Contains(key))
            {
                return;
            }

            _queue.Enqueue(key);
        }

        _available.Release();
    }

    /// <summary>Queues <paramref name="key"/> after its backoff delay, which doubles with each call until <see cref="Forget"/>.</summary>
    /// <returns>The delay.</returns>
    public TimeSpan AddRateLimited(string key)
    {
        TimeSpan delay;
        lock (_gate)
        {
            var failures = _failures.GetValueOrDefault(key);
            _failures[key] = failures + 1;
            delay = failures >= 30 ? _maxDelay : TimeSpan.FromTicks(Math.Min(_maxDelay.Ticks, _initialDelay.Ticks << failures));
        }

        ITimer? timer = null;
        timer = _time.CreateTimer(_ =>
        {
            lock (_gate)
            {
                _timers.Remove(timer!);
            }

            timer!.Dispose();
            Add(key);
        }, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        lock (_gate)
        {
            _timers.Add(timer);
        }

        timer.Change(delay, Timeout.InfiniteTimeSpan);
        return delay;
    }

    /// <summary>Resets <paramref name="key"/>'s backoff after a success.</summary>
    public void Forget(string key)
    {
        lock (_gate)
        {
            _failures.Remove(key);
        }
    }

    /// <summary>Waits for the next key and marks it as being processed; call <see cref="Done"/> after.</summary>
    public async ValueTask<string> TakeAsync(CancellationToken cancellationToken)
    {
        await _available.WaitAsync(cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            var key = _queue.Dequeue();
            _dirty.Remove(key);
            _processing.Add(key);
            return key;
        }
    }

    /// <summary>Marks <paramref name="key"/> as processed, queueing it again if it was added meanwhile.</summary>
    public void Done(string key)
    {
        lock (_gate)
        {
            _processing.Remove(key);
            if (!_dirty.Contains(key))
            {
                return;
            }

            _queue.Enqueue(key);
        }

        _available.Release();
    }

    /// <summary>Cancels the pending retries.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var timer in _timers)
            {
                timer.Dispose();
            }

            _timers.Clear();
        }

        _available.Dispose();
    }
}
