using Kamus.Client.Diagnostics;
using Kamus.Client.FastPath;
using Kamus.Client.Transport;
using Microsoft.Extensions.Logging;

namespace Kamus.Client.Decryption;

/// <summary>
/// Decrypts a batch: de-duplicates values, lets the envelope fast path serve what it can, sends everything else (other
/// values and the distinct wrapped keys still to unwrap) in one remote round, then the values the fast path could not
/// finish. The fast path's policy lives in <see cref="EnvelopeFastPath"/>; this class only orders the calls.
/// </summary>
internal sealed class BatchDecryptor
{
    private readonly KamusApi _api;
    private readonly EnvelopeFastPath _fastPath;
    private readonly ILogger _logger;

    public BatchDecryptor(KamusApi api, EnvelopeFastPath fastPath, ILogger logger)
    {
        _api = api;
        _fastPath = fastPath;
        _logger = logger;
    }

    public async Task<IReadOnlyList<DecryptOutcome>> DecryptAsync(IReadOnlyList<string> ciphertexts, CancellationToken cancellationToken)
    {
        var (distinct, indexOf) = Deduplicate(ciphertexts);
        var outcomes = new DecryptOutcome?[distinct.Count];
        var round = _fastPath.Begin(distinct, outcomes);

        var wrappedKeys = round.WrappedKeys;
        var wholeValues = new List<int>();
        if (round.RemoteValues.Count + wrappedKeys.Count > 0)
        {
            var request = new string[round.RemoteValues.Count + wrappedKeys.Count];
            Pick(distinct, round.RemoteValues, request);
            for (var k = 0; k < wrappedKeys.Count; k++)
            {
                request[round.RemoteValues.Count + k] = wrappedKeys[k];
            }

            var answers = await _api.DecryptAsync(request, cancellationToken).ConfigureAwait(false);
            for (var r = 0; r < round.RemoteValues.Count; r++)
            {
                outcomes[round.RemoteValues[r]] = answers[r];
            }

            wholeValues = round.Complete(wrappedKeys, answers.AsSpan(round.RemoteValues.Count));
        }

        if (wholeValues.Count > 0)
        {
            var answers = await _api.DecryptAsync(Pick(distinct, wholeValues, new string[wholeValues.Count]), cancellationToken).ConfigureAwait(false);
            for (var w = 0; w < wholeValues.Count; w++)
            {
                outcomes[wholeValues[w]] = answers[w];
            }

            if (round.Finish(wholeValues, answers) is { } refused)
            {
                KamusClientLog.FastPathRefused(_logger, refused);
            }
        }

        KamusClientLog.DecryptedBatch(_logger, distinct.Count, round.Local, round.Unwraps, round.RemoteValues.Count + wholeValues.Count);
        return Expand(outcomes!, indexOf);
    }

    // The values at these indexes, into the start of an array (a loop: Select over int indexes is generic code
    // compiled at startup just for this).
    internal static string[] Pick(IReadOnlyList<string> values, List<int> indexes, string[] into)
    {
        for (var i = 0; i < indexes.Count; i++)
        {
            into[i] = values[indexes[i]];
        }

        return into;
    }

    // Each distinct value once, in first-seen order, and where each input went.
    private static (List<string> Distinct, int[] IndexOf) Deduplicate(IReadOnlyList<string> ciphertexts)
    {
        var positions = new Dictionary<string, int>(ciphertexts.Count, StringComparer.Ordinal);
        var distinct = new List<string>(ciphertexts.Count);
        var indexOf = new int[ciphertexts.Count];
        for (var i = 0; i < ciphertexts.Count; i++)
        {
            var ciphertext = ciphertexts[i] ?? throw new ArgumentException("A ciphertext is null.", nameof(ciphertexts));
            if (!positions.TryGetValue(ciphertext, out var position))
            {
                position = distinct.Count;
                positions.Add(ciphertext, position);
                distinct.Add(ciphertext);
            }

            indexOf[i] = position;
        }

        return (distinct, indexOf);
    }

    private DecryptOutcome[] Expand(DecryptOutcome[] outcomes, int[] indexOf)
    {
        foreach (var outcome in outcomes)
        {
            if (outcome.Error is { } error)
            {
                KamusClientTelemetry.RecordFailure(error.Kind);
                KamusClientLog.DecryptFailed(_logger, outcome.Fingerprint, error.Kind);
            }
        }

        var results = new DecryptOutcome[indexOf.Length];
        for (var i = 0; i < results.Length; i++)
        {
            results[i] = outcomes[indexOf[i]];
        }

        return results;
    }
}
