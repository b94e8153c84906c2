using Kamus.Client.Diagnostics;
using Kamus.Client.FastPath;
using Kamus.Wire.Formats;
using Kamus.Client.Transport;
using Microsoft.Extensions.Logging;

namespace Kamus.Client.Decryption;

/// <summary>
/// Decrypts a batch: de-duplicates values, serves envelopes whose data key is cached locally, sends everything else
/// (other values and the distinct wrapped keys still to unwrap) in one remote round, decrypts the envelopes with the
/// keys that came back, and sends whole values remotely when the decryptor refused their bare key.
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
        // De-duplicate, keeping the first position of each value.
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

        var outcomes = new DecryptOutcome?[distinct.Count];
        var remote = new List<int>();
        var waitingForKey = new Dictionary<string, List<(int Index, ParsedCiphertext Envelope)>>(StringComparer.Ordinal);
        var local = 0;
        for (var i = 0; i < distinct.Count; i++)
        {
            if (!_fastPath.TryParseEnvelope(distinct[i], out var envelope))
            {
                remote.Add(i);
                continue;
            }

            var wrappedKey = envelope.WrappedKey!;
            if (_fastPath.TryGetKey(wrappedKey, out var key) && EnvelopeFastPath.DecryptLocally(key, envelope, distinct[i]) is { } outcome)
            {
                outcomes[i] = outcome;
                local++;
                continue;
            }

            if (!waitingForKey.TryGetValue(wrappedKey, out var group))
            {
                waitingForKey[wrappedKey] = group = [];
            }

            group.Add((i, envelope));
        }

        var wrappedKeys = waitingForKey.Keys.ToArray();
        var unwraps = wrappedKeys.Length;
        var wholeValues = new List<int>();
        var refusedKeys = new HashSet<int>();
        if (remote.Count + wrappedKeys.Length > 0)
        {
            var request = new List<string>(remote.Count + wrappedKeys.Length);
            request.AddRange(remote.Select(i => distinct[i]));
            request.AddRange(wrappedKeys);
            var answers = await _api.DecryptAsync(request, cancellationToken).ConfigureAwait(false);
            for (var r = 0; r < remote.Count; r++)
            {
                outcomes[remote[r]] = ToOutcome(distinct[remote[r]], answers[r]);
            }

            for (var k = 0; k < wrappedKeys.Length; k++)
            {
                var answer = answers[remote.Count + k];
                var group = waitingForKey[wrappedKeys[k]];
                if (answer.Plaintext is { } keyText && _fastPath.TryAddKey(wrappedKeys[k], keyText, out var key))
                {
                    foreach (var (index, envelope) in group)
                    {
                        if (EnvelopeFastPath.DecryptLocally(key, envelope, distinct[index]) is { } outcome)
                        {
                            outcomes[index] = outcome;
                            local++;
                        }
                        else
                        {
                            wholeValues.Add(index);
                        }
                    }
                }
                else if (answer.Error is { Kind: KamusErrorKind.InvalidCiphertext } || answer.Plaintext is not null)
                {
                    // Refused as a bare key (AWS-KMS decryptors only take whole envelopes), or not a key: ask for the values.
                    wholeValues.AddRange(group.Select(g => g.Index));
                    refusedKeys.UnionWith(group.Select(g => g.Index));
                }
                else
                {
                    // Forbidden, unauthorized, unavailable: the values would fare the same.
                    foreach (var (index, _) in group)
                    {
                        outcomes[index] = DecryptOutcome.Failure(distinct[index], StatusErrors.ForItem(answer.Error!, CiphertextFingerprint.Of(distinct[index])));
                    }
                }
            }
        }

        if (wholeValues.Count > 0)
        {
            var answers = await _api.DecryptAsync([.. wholeValues.Select(i => distinct[i])], cancellationToken).ConfigureAwait(false);
            for (var w = 0; w < wholeValues.Count; w++)
            {
                var index = wholeValues[w];
                outcomes[index] = ToOutcome(distinct[index], answers[w]);
                if (answers[w].Error is null && refusedKeys.Contains(index) && _fastPath.IsActive)
                {
                    // The key was refused but the value was not: this decryptor does not do bare keys.
                    _fastPath.MarkRefusedByServer();
                    KamusClientLog.FastPathRefused(_logger, CiphertextFingerprint.Of(distinct[index]));
                }
            }
        }

        KamusClientLog.DecryptedBatch(_logger, distinct.Count, local, unwraps, remote.Count + wholeValues.Count);
        foreach (var outcome in outcomes)
        {
            if (outcome!.Error is { } error)
            {
                KamusClientTelemetry.RecordFailure(error.Kind);
                KamusClientLog.DecryptFailed(_logger, outcome.Fingerprint, error.Kind);
            }
        }

        var results = new DecryptOutcome[ciphertexts.Count];
        for (var i = 0; i < results.Length; i++)
        {
            results[i] = outcomes[indexOf[i]]!;
        }

        return results;
    }

    private static DecryptOutcome ToOutcome(string ciphertext, RemoteAnswer answer) =>
        answer.Plaintext is { } plaintext ? DecryptOutcome.Success(ciphertext, plaintext) : DecryptOutcome.Failure(ciphertext, answer.Error!);
}
