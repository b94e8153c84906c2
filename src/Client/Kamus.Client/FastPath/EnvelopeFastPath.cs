using System.Security.Cryptography;
using Kamus.Client.Diagnostics;
using Kamus.Wire.Crypto;
using Kamus.Wire.Formats;

namespace Kamus.Client.FastPath;

/// <summary>
/// The whole policy of the local envelope-decryption fast path, in one place: which values it takes (envelopes it can
/// parse), the bounded cache of data keys unwrapped once by the decryptor, local decryption of the payloads, and the
/// fallback to whole values when the decryptor refuses bare wrapped keys (upstream under AWS KMS), after which it
/// switches itself off for good.
/// </summary>
/// <remarks>
/// A batch goes through one <see cref="Round"/>: <see cref="Begin"/> serves what the cache can and says which wrapped
/// keys to ask for; the caller sends them in the same remote call as the other values; <see cref="Round.Complete"/>
/// decrypts with the keys that came back and names the values to send whole; <see cref="Round.Finish"/> learns from
/// those answers whether the decryptor does bare keys at all.
/// </remarks>
internal sealed class EnvelopeFastPath : IDisposable
{
    private readonly DataKeyCache _cache;
    private readonly bool _enabled;
    private volatile bool _refusedByServer;

    public EnvelopeFastPath(bool enabled, int cacheSize)
    {
        _enabled = enabled;
        _cache = new DataKeyCache(cacheSize);
    }

    /// <summary>Whether envelopes are worth unwrapping now.</summary>
    public bool IsActive => _enabled && !_refusedByServer;

    /// <summary>How many data keys are cached.</summary>
    public int CachedKeys => _cache.Count;

    /// <summary>
    /// Starts a round over <paramref name="ciphertexts"/> (distinct): fills <paramref name="outcomes"/> for envelopes
    /// whose key is cached, and returns the round, which names the values and wrapped keys to send remotely.
    /// </summary>
    public Round Begin(IReadOnlyList<string> ciphertexts, DecryptOutcome?[] outcomes)
    {
        var round = new Round(this, ciphertexts, outcomes);
        for (var i = 0; i < ciphertexts.Count; i++)
        {
            if (!TryParseEnvelope(ciphertexts[i], out var envelope))
            {
                round.RemoteValues.Add(i);
                continue;
            }

            var wrappedKey = envelope.WrappedKey!;
            if (_cache.TryGet(envelope.Format, wrappedKey, out var key) && DecryptLocally(key, envelope, ciphertexts[i]) is { } outcome)
            {
                if (KamusClientTelemetry.DataKeyCacheHits.Enabled)
                {
                    KamusClientTelemetry.DataKeyCacheHits.Add(1);
                }
                outcomes[i] = outcome;
                round.Local++;
                continue;
            }

            round.WaitForKey(wrappedKey, i, envelope);
        }

        return round;
    }

    /// <summary>Zeroes every cached key.</summary>
    public void Dispose() => _cache.Dispose();

    private bool TryParseEnvelope(string ciphertext, out ParsedCiphertext envelope)
    {
        envelope = null!;
        if (!IsActive || !(ciphertext.StartsWith(UpstreamLayout.EnvelopePrefix, StringComparison.Ordinal) || ciphertext.StartsWith(V2Layout.EnvelopePrefix, StringComparison.Ordinal)))
        {
            return false;
        }

        if (CiphertextParser.TryParse(ciphertext, out var parsed, out _) && parsed.Format.IsEnvelope() && parsed.WrappedKey is not null)
        {
            envelope = parsed;
            return true;
        }

        // Unreadable here: the server decides (and names the failure).
        return false;
    }

    // Null when the key was evicted and zeroed meanwhile: the caller decrypts the value remotely.
    private static DecryptOutcome? DecryptLocally(DataKey key, ParsedCiphertext envelope, string ciphertext)
    {
        try
        {
            var plaintext = key.DecryptPayload(envelope);
            if (KamusClientTelemetry.LocalDecrypts.Enabled)
            {
                KamusClientTelemetry.LocalDecrypts.Add(1);
            }
            return DecryptOutcome.Success(ciphertext, plaintext);
        }
        catch (ObjectDisposedException)
        {
            return null;
        }
        catch (CryptographicException e)
        {
            return DecryptOutcome.Failed(ciphertext, KamusErrorKind.InvalidCiphertext, "the envelope payload does not decrypt with its data key (altered?).", innerException: e);
        }
    }

    /// <summary>One batch's pass through the fast path.</summary>
    internal sealed class Round
    {
        private readonly EnvelopeFastPath _owner;
        private readonly IReadOnlyList<string> _ciphertexts;
        private readonly DecryptOutcome?[] _outcomes;
        // Wrapped key -> indexes of the values waiting for it; each value's parsed envelope by its index. (Indexes, not
        // (index, envelope) tuples: a list of tuples is generic code compiled at startup just for this.)
        private readonly Dictionary<string, List<int>> _waiting = new(StringComparer.Ordinal);
        private ParsedCiphertext[]? _envelopes;
        private HashSet<int>? _refusedKeys;

        internal Round(EnvelopeFastPath owner, IReadOnlyList<string> ciphertexts, DecryptOutcome?[] outcomes)
        {
            _owner = owner;
            _ciphertexts = ciphertexts;
            _outcomes = outcomes;
        }

        /// <summary>Indexes of the values to decrypt remotely as they are.</summary>
        public List<int> RemoteValues { get; } = [];

        /// <summary>The distinct wrapped keys to unwrap remotely (send them after <see cref="RemoteValues"/>).</summary>
        public IReadOnlyList<string> WrappedKeys => [.. _waiting.Keys];

        /// <summary>How many values were decrypted locally.</summary>
        public int Local { get; internal set; }

        /// <summary>How many wrapped keys were asked for.</summary>
        public int Unwraps => _waiting.Count;

        internal void WaitForKey(string wrappedKey, int index, ParsedCiphertext envelope)
        {
            if (!_waiting.TryGetValue(wrappedKey, out var group))
            {
                _waiting[wrappedKey] = group = [];
            }

            group.Add(index);
            _envelopes ??= new ParsedCiphertext[_ciphertexts.Count];
            _envelopes[index] = envelope;
        }

        /// <summary>
        /// Decrypts the waiting envelopes with the keys that came back (<paramref name="keyAnswers"/>, in the order of
        /// <paramref name="wrappedKeys"/>), and returns the indexes of the values to decrypt remotely as whole values.
        /// </summary>
        public List<int> Complete(IReadOnlyList<string> wrappedKeys, ReadOnlySpan<DecryptOutcome> keyAnswers)
        {
            var wholeValues = new List<int>();
            for (var k = 0; k < wrappedKeys.Count; k++)
            {
                var answer = keyAnswers[k];
                var group = _waiting[wrappedKeys[k]];
                if (answer.Succeeded && DataKey.TryFromBase64(answer.Plaintext, out var fresh))
                {
                    if (KamusClientTelemetry.FastPathUnwraps.Enabled)
                    {
                        KamusClientTelemetry.FastPathUnwraps.Add(1);
                    }

                    var key = _owner._cache.Add(_envelopes![group[0]].Format, wrappedKeys[k], fresh!);
                    foreach (var index in group)
                    {
                        if (DecryptLocally(key, _envelopes[index], _ciphertexts[index]) is { } outcome)
                        {
                            _outcomes[index] = outcome;
                            Local++;
                        }
                        else
                        {
                            wholeValues.Add(index);
                        }
                    }
                }
                else if (answer.Succeeded || answer.ErrorKind == KamusErrorKind.InvalidCiphertext)
                {
                    // Refused as a bare key (AWS-KMS decryptors only take whole envelopes), or not a key: ask for the values.
                    foreach (var index in group)
                    {
                        wholeValues.Add(index);
                        (_refusedKeys ??= []).Add(index);
                    }
                }
                else
                {
                    // Forbidden, unauthorized, unavailable: the values would fare the same.
                    foreach (var index in group)
                    {
                        _outcomes[index] = DecryptOutcome.FailedBy(_ciphertexts[index], answer.Error!);
                    }
                }
            }

            return wholeValues;
        }

        /// <summary>
        /// Learns from the whole-value answers: a value decrypted whole whose bare key was refused means the decryptor
        /// does not do bare keys, so the fast path switches off. Returns a fingerprint of such a value, for the log.
        /// </summary>
        public string? Finish(List<int> wholeValues, ReadOnlySpan<DecryptOutcome> answers)
        {
            for (var w = 0; w < wholeValues.Count; w++)
            {
                if (answers[w].Succeeded && _refusedKeys?.Contains(wholeValues[w]) == true && _owner.IsActive)
                {
                    _owner._refusedByServer = true;
                    return answers[w].Fingerprint;
                }
            }

            return null;
        }
    }
}
