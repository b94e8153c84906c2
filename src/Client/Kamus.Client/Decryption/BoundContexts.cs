using Kamus.Wire.Formats;

namespace Kamus.Client.Decryption;

/// <summary>
/// Reading values where they are used: a value bound to another context than the one its reader names fails here,
/// unsent. The context is in the value's text and authenticated with it, so this check needs no server; values not
/// bound, and values read without a context, go on to be decrypted as usual.
/// </summary>
internal static class BoundContexts
{
    /// <summary>Decrypts <paramref name="ciphertexts"/> with <paramref name="decrypt"/>, except those bound elsewhere.</summary>
    /// <exception cref="ArgumentException"><paramref name="contexts"/> has another count than <paramref name="ciphertexts"/>.</exception>
    public static async Task<IReadOnlyList<DecryptOutcome>> DecryptAsync(
        IReadOnlyList<string> ciphertexts,
        IReadOnlyList<string?>? contexts,
        Func<IReadOnlyList<string>, Task<IReadOnlyList<DecryptOutcome>>> decrypt)
    {
        ArgumentNullException.ThrowIfNull(ciphertexts);
        if (contexts is null)
        {
            return await decrypt(ciphertexts).ConfigureAwait(false);
        }

        if (contexts.Count != ciphertexts.Count)
        {
            throw new ArgumentException("There must be one context (or null) per ciphertext.", nameof(contexts));
        }

        var outcomes = new DecryptOutcome?[ciphertexts.Count];
        var rest = new List<int>(ciphertexts.Count);
        for (var i = 0; i < ciphertexts.Count; i++)
        {
            if (contexts[i] is { } expected && CiphertextContext.BoundElsewhere(ciphertexts[i], expected) is { } bound)
            {
                outcomes[i] = DecryptOutcome.Failed(ciphertexts[i], KamusErrorKind.InvalidCiphertext, $"the value is bound to {bound}, not to {expected}: it was moved or copied from there; encrypt it for this key.");
            }
            else
            {
                rest.Add(i);
            }
        }

        if (rest.Count == ciphertexts.Count)
        {
            return await decrypt(ciphertexts).ConfigureAwait(false);
        }

        var results = rest.Count == 0 ? [] : await decrypt([.. rest.Select(i => ciphertexts[i])]).ConfigureAwait(false);
        for (var r = 0; r < rest.Count; r++)
        {
            outcomes[rest[r]] = results[r];
        }

        return outcomes!;
    }
}
