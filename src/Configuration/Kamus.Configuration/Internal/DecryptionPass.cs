using Kamus.Client;

namespace Kamus.Configuration.Internal;

/// <summary>
/// Decrypts distinct ciphertexts in one <see cref="IKamusClient.DecryptManyAsync"/> call under one deadline, from
/// synchronous code (<c>IConfigurationProvider.Load</c>) without deadlocking or starving the thread pool.
/// </summary>
internal static class DecryptionPass
{
    // A client that ignores cancellation must not hang the caller for ever.
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan ClientFirst = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Decrypts <paramref name="ciphertexts"/> (distinct): one outcome each, in order. When the whole call failed,
    /// <paramref name="batchError"/> says why and every outcome carries it.
    /// </summary>
    public static IReadOnlyList<DecryptOutcome> Run(IKamusClient client, IReadOnlyList<string> ciphertexts, TimeSpan deadline, out KamusException? batchError)
    {
        batchError = null;
        try
        {
            var results = RunBlocking(client, ciphertexts, deadline);
            if (results.Count == ciphertexts.Count)
            {
                return results;
            }

            batchError = new KamusException(KamusErrorKind.Protocol, "The Kamus client returned a wrong number of results.");
        }
        catch (KamusException exception)
        {
            batchError = exception;
        }
        catch (Exception exception) when (exception is OperationCanceledException or TimeoutException)
        {
            batchError = new KamusException(KamusErrorKind.Timeout, $"Decrypting the configuration took longer than {deadline}.", innerException: exception);
        }

        return FailAll(ciphertexts, batchError);
    }

    /// <summary>Every value failed for the same reason.</summary>
    public static DecryptOutcome[] FailAll(IReadOnlyList<string> ciphertexts, KamusException error) =>
        [.. ciphertexts.Select(ciphertext => DecryptOutcome.Failure(ciphertext, error))];

    private static IReadOnlyList<DecryptOutcome> RunBlocking(IKamusClient client, IReadOnlyList<string> ciphertexts, TimeSpan deadline)
    {
        // The client the provider creates has the same deadline as its TotalTimeout, and its timeout says which URL did
        // not answer and why; this token is the backstop a moment later (for a client of the caller's, too).
        using var timeout = deadline == Timeout.InfiniteTimeSpan ? new CancellationTokenSource() : new CancellationTokenSource(deadline + ClientFirst);

        // Task.Run starts the work on the pool with no SynchronizationContext, so no continuation can need the thread
        // we block below (a UI or single-threaded test context would otherwise deadlock). We block exactly once.
        var work = Task.Run(() => client.DecryptManyAsync(ciphertexts, timeout.Token), timeout.Token);
        var bounded = deadline == Timeout.InfiniteTimeSpan ? work : work.WaitAsync(deadline + Grace);
        return bounded.GetAwaiter().GetResult();
    }
}
