namespace Kamus.Configuration.Tests.Support;

/// <summary>
/// A context like a UI thread's: posted callbacks run only when the owning thread pumps them, so a continuation that
/// captured it while that thread blocks synchronously never runs (the classic sync-over-async deadlock).
/// </summary>
public sealed class SingleThreadedSynchronizationContext : SynchronizationContext
{
    private int _posted;

    public int Posted => Volatile.Read(ref _posted);

    public override void Post(SendOrPostCallback d, object? state) => Interlocked.Increment(ref _posted); // never pumped

    public override void Send(SendOrPostCallback d, object? state) => throw new NotSupportedException();

    /// <summary>
    /// Runs <paramref name="work"/> on a new thread whose current context is this one, and waits for it with a
    /// generous bound: a deadlock fails the test with <paramref name="deadlockMessage"/> instead of hanging the run.
    /// </summary>
    /// <returns>What <paramref name="work"/> returned, or the exception it threw.</returns>
    public (T? Result, Exception? Failure) RunOnOwnThread<T>(Func<T> work, string deadlockMessage)
    {
        T? result = default;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            SetSynchronizationContext(this);
            try
            {
                result = work();
            }
            catch (Exception exception)
            {
                failure = exception;
            }
        });
        thread.Start();

        Assert.True(thread.Join(TimeSpan.FromSeconds(60)), deadlockMessage);
        return (result, failure);
    }
}
