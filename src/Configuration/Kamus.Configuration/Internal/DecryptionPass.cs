using Kamus.Client;

namespace Kamus.Configuration.Internal;

/// <summary>The outcome of decrypting one distinct ciphertext: a plaintext or a failure kind. Never prints the plaintext.</summary>
internal readonly record struct SecretOutcome(string? Plaintext, KamusErrorKind Kind, KamusException? Error = null)
{
    public bool Succeeded => Plaintext is not null;

    // A record's generated ToString would print the plaintext.
    public override string ToString() => Succeeded ? "SecretOutcome(ok)" : $"SecretOutcome({Kind})";
}

/// <summary>
/// Decrypts distinct ciphertexts in one <see cref="IKamusClient.DecryptManyAsync"/> call under one deadline, from
/// synchronous code (<c>IConfigurationProvider.Load</c>) without deadlocking or starving the thread pool.
/// </summary>
internal static class DecryptionPass
{
    // A client that ignores cancellation must not hang the caller for ever.
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan ClientFirst = TimeSpan.FromSeconds(1);

    /// <summary>Decrypts <paramref name="ciphertexts"/> (distinct); <paramref name="batchError"/> is set when the whole call failed.</summary>
    public static Dictionary<string, SecretOutcome> Run(IKamusClient client, IReadOnlyList<string> ciphertexts, TimeSpan deadline, out KamusException? batchError)
    {
        batchError = null;
        var outcomes = new Dictionary<string, SecretOutcome>(ciphertexts.Count, StringComparer.Ordinal);
        if (ciphertexts.Count == 0)
        {
            return outcomes;
        }

        IReadOnlyList<DecryptOutcome>? results = null;
        try
        {
            results = RunBlocking(client, ciphertexts, deadline);
            if (results.Count != ciphertexts.Count)
            {
                batchError = new KamusException(KamusErrorKind.Protocol, "The Kamus client returned a wrong number of results.");
            }
        }
        catch (KamusException exception)
        {
            batchError = exception;
        }
        catch (Exception exception) when (exception is OperationCanceledException or TimeoutException)
        {
            batchError = new KamusException(KamusErrorKind.Timeout, $"Decrypting the configuration took longer than {deadline}.", innerException: exception);
        }

        for (var i = 0; i < ciphertexts.Count; i++)
        {
            outcomes[ciphertexts[i]] = batchError is not null || results is null
                ? new SecretOutcome(null, batchError?.Kind ?? KamusErrorKind.Protocol)
                : results[i].Succeeded
                    ? new SecretOutcome(results[i].Plaintext, default)
                    : new SecretOutcome(null, results[i].ErrorKind ?? KamusErrorKind.Protocol, results[i].Error);
        }

        return outcomes;
    }

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
