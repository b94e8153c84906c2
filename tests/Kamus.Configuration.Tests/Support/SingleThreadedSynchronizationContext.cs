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
}
