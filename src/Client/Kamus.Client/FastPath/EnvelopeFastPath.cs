using System.Security.Cryptography;
using Kamus.Wire.Crypto;
using Kamus.Client.Diagnostics;
using Kamus.Wire.Formats;

namespace Kamus.Client.FastPath;

/// <summary>
/// The local envelope-decryption fast path: data keys unwrapped once by the decryptor, kept in a bounded cache, and
/// used to decrypt envelope payloads locally. It switches itself off for good against a decryptor that refuses bare
/// wrapped keys (upstream under AWS KMS).
/// </summary>
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

    /// <summary>The value's envelope parts, when the fast path applies to it.</summary>
    public bool TryParseEnvelope(string ciphertext, out ParsedCiphertext envelope)
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

    public bool TryGetKey(string wrappedKey, out DataKey key)
    {
        if (_cache.TryGet(wrappedKey, out key))
        {
            KamusClientTelemetry.DataKeyCacheHits.Add(1);
            return true;
        }

        return false;
    }

    /// <summary>Reads the decryptor's answer for a wrapped key (base64 of 32 bytes) and caches the key.</summary>
    public bool TryAddKey(string wrappedKey, string answer, out DataKey key)
    {
        KamusClientTelemetry.FastPathUnwraps.Add(1);
        if (!DataKey.TryFromBase64(answer, out var fresh))
        {
            key = null!;
            return false;
        }

        key = _cache.Add(wrappedKey, fresh!);
        return true;
    }

    /// <summary>Decrypts one payload locally.</summary>
    /// <returns><see langword="null"/> when the key was evicted and zeroed meanwhile (the caller decrypts remotely).</returns>
    public static DecryptOutcome? DecryptLocally(DataKey key, ParsedCiphertext envelope, string ciphertext)
    {
        try
        {
            var plaintext = key.DecryptPayload(envelope);
            KamusClientTelemetry.LocalDecrypts.Add(1);
            return DecryptOutcome.Success(ciphertext, plaintext);
        }
        catch (ObjectDisposedException)
        {
            return null;
        }
        catch (CryptographicException e)
        {
            var fingerprint = CiphertextFingerprint.Of(ciphertext);
            var error = new KamusException(KamusErrorKind.InvalidCiphertext, $"Decrypting {fingerprint} failed: the envelope payload does not decrypt with its data key (altered?).", innerException: e) { CiphertextFingerprint = fingerprint };
            return DecryptOutcome.Failure(ciphertext, error);
        }
    }

    /// <summary>The decryptor refused a bare wrapped key but decrypted the whole value: stop unwrapping against it.</summary>
    public void MarkRefusedByServer() => _refusedByServer = true;

    /// <summary>Zeroes every cached key.</summary>
    public void Dispose() => _cache.Dispose();
}
