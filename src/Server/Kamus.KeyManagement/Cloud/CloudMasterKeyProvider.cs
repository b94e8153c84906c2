using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Kamus.Wire.Crypto;
using Kamus.Wire.Formats;
using Kamus.Wire.Identity;
using Microsoft.Extensions.Logging;

namespace Kamus.KeyManagement.Cloud;

/// <summary>
/// The <see cref="IMasterKeyProvider"/> of a cloud KMS: each wrap asks the KMS for a data key under the service
/// account's own KMS key (<see cref="CloudWrapLayout"/>), so a v2 envelope costs one KMS call to write and one to read,
/// however many values share it. Unwrapped KMS data keys are kept briefly in a bounded cache (zeroed on eviction), keyed
/// by key id, identity and KMS ciphertext, so a value another account presents never hits another's cache entry.
/// It also reads what upstream Kamus wrote with the same KMS (<see cref="DecryptUpstreamValueAsync"/>,
/// <see cref="UnwrapUpstreamDataKeyAsync"/>).
/// </summary>
internal sealed class CloudMasterKeyProvider : IMasterKeyProvider, IDisposable
{
    private const string UpstreamCacheScope = "upstream";

    private readonly ICloudKms _kms;
    private readonly DataKeyCache? _cache;

    /// <summary>Takes ownership of <paramref name="kms"/> and <paramref name="cache"/> (none: every unwrap asks the KMS).</summary>
    public CloudMasterKeyProvider(ICloudKms kms, DataKeyCache? cache)
    {
        _kms = kms;
        _cache = cache;
    }

    /// <inheritdoc />
    public string CurrentKeyId => _kms.KeyId;

    /// <summary>Where the keys live, for the startup log.</summary>
    public string Description => _kms.Description;

    /// <summary>How many unwrapped data keys are cached now.</summary>
    public int CachedKeys => _cache?.Count ?? 0;

    /// <summary>Gives the KMS its loggers; see <see cref="ICloudKms.AttachLogging"/>.</summary>
    public void AttachLogging(ILoggerFactory loggers) => _kms.AttachLogging(loggers);

    /// <inheritdoc />
    public bool HasKey(string keyId) => string.Equals(keyId, _kms.KeyId, StringComparison.Ordinal);

    /// <inheritdoc />
    public async ValueTask<byte[]> WrapAsync(string keyId, ServiceAccountIdentity identity, ReadOnlyMemory<byte> plaintext, ReadOnlyMemory<byte> associatedData, CancellationToken cancellationToken = default)
    {
        EnsureKnown(keyId);
        var (dataKey, blob) = await CountedAsync("generate", () => _kms.GenerateDataKeyAsync(identity, cancellationToken)).ConfigureAwait(false);
        try
        {
            if (dataKey.Length != KeyDerivation.KeySize)
            {
                throw KmsFailure.Unavailable(_kms.Description, "GenerateDataKey", "the KMS returned a data key of the wrong size");
            }

            var sealedValue = AesGcmSealer.Seal(dataKey, plaintext.Span, associatedData.Span);
            Remember(CiphertextFormat.V2WrappedKey, CacheKey(keyId, identity, blob), dataKey);
            return CloudWrapLayout.Format(blob, sealedValue);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    /// <inheritdoc />
    public async ValueTask<byte[]> UnwrapAsync(string keyId, ServiceAccountIdentity identity, ReadOnlyMemory<byte> wrapped, ReadOnlyMemory<byte> associatedData, CancellationToken cancellationToken = default)
    {
        EnsureKnown(keyId);
        if (!CloudWrapLayout.TryParse(wrapped, out var blob, out var sealedValue))
        {
            throw new CryptographicException("The value is not a cloud-wrapped value.");
        }

        var dataKey = await DataKeyAsync(keyId, identity, blob, upstream: false, cancellationToken).ConfigureAwait(false);
        try
        {
            return AesGcmSealer.Open(dataKey, sealedValue.Span, associatedData.Span);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    /// <summary>
    /// Unwraps the data key of an upstream envelope made with this KMS (<c>env$&lt;base64 KMS ciphertext&gt;$...</c>):
    /// raw 32 bytes (AWS KMS) or base64 text of them (upstream's envelope decorator). The caller zeroes the result.
    /// </summary>
    /// <exception cref="CryptographicException">Not a data key of <paramref name="identity"/>.</exception>
    public ValueTask<byte[]> UnwrapUpstreamDataKeyAsync(ServiceAccountIdentity identity, ReadOnlyMemory<byte> blob, CancellationToken cancellationToken = default) =>
        DataKeyAsync(UpstreamCacheScope, identity, blob, upstream: true, cancellationToken);

    /// <summary>Decrypts a bare upstream value made with this KMS (base64 of a KMS ciphertext) to its bytes; never cached.</summary>
    /// <exception cref="CryptographicException">Not a value of <paramref name="identity"/>.</exception>
    public ValueTask<byte[]> DecryptUpstreamValueAsync(ServiceAccountIdentity identity, ReadOnlyMemory<byte> ciphertext, CancellationToken cancellationToken = default) =>
        CountedAsync("decrypt_upstream", () => _kms.DecryptUpstreamAsync(identity, ciphertext, cancellationToken));

    /// <summary>Zeroes the cached keys and releases the KMS client.</summary>
    public void Dispose()
    {
        _cache?.Dispose();
        _kms.Dispose();
    }

    /// <summary>Names the KMS only.</summary>
    public override string ToString() => $"CloudMasterKeyProvider({_kms.Description}, key id {_kms.KeyId})";

    private async ValueTask<byte[]> DataKeyAsync(string scope, ServiceAccountIdentity identity, ReadOnlyMemory<byte> blob, bool upstream, CancellationToken cancellationToken)
    {
        // Kamus's wraps and upstream's envelope keys are cached apart (a key is only used for the format it came from).
        var format = upstream ? CiphertextFormat.UpstreamEnvelope : CiphertextFormat.V2WrappedKey;
        var cacheKey = CacheKey(scope, identity, blob);
        if (TryRecall(format, cacheKey) is { } cached)
        {
            return cached;
        }

        var answer = upstream
            ? await CountedAsync("decrypt_upstream", () => _kms.DecryptUpstreamAsync(identity, blob, cancellationToken)).ConfigureAwait(false)
            : await CountedAsync("decrypt", () => _kms.DecryptDataKeyAsync(identity, blob, cancellationToken)).ConfigureAwait(false);
        var dataKey = upstream ? NormalizeUpstreamKey(answer) : answer;
        if (dataKey.Length != KeyDerivation.KeySize)
        {
            CryptographicOperations.ZeroMemory(dataKey);
            throw new CryptographicException("The KMS ciphertext does not hold a data key.");
        }

        Remember(format, cacheKey, dataKey);
        return dataKey;
    }

    // Upstream's AWS envelopes wrap the raw key; its envelope decorator (Azure, large values) wraps base64 text of it.
    private static byte[] NormalizeUpstreamKey(byte[] answer)
    {
        if (answer.Length == KeyDerivation.KeySize)
        {
            return answer;
        }

        try
        {
            var decoded = new byte[KeyDerivation.KeySize];
            if (Base64.DecodeFromUtf8(answer, decoded, out _, out var written) == System.Buffers.OperationStatus.Done && written == KeyDerivation.KeySize)
            {
                return decoded;
            }

            CryptographicOperations.ZeroMemory(decoded);
            return [];
        }
        finally
        {
            CryptographicOperations.ZeroMemory(answer);
        }
    }

    private byte[]? TryRecall(CiphertextFormat format, string cacheKey)
    {
        if (_cache is null || !_cache.TryGet(format, cacheKey, out var key))
        {
            return null;
        }

        var copy = new byte[KeyDerivation.KeySize];
        if (!key.TryCopyTo(copy))
        {
            return null; // evicted and zeroed meanwhile: ask the KMS
        }

        CloudTelemetry.DataKeyCacheHits.Add(1, new KeyValuePair<string, object?>("key_id", _kms.KeyId));
        return copy;
    }

    private void Remember(CiphertextFormat format, string cacheKey, byte[] dataKey) => _cache?.Add(format, cacheKey, DataKey.FromBytes(dataKey));

    // SHA-256 over the scope (key id), the identity and the KMS ciphertext: the cache holds no ciphertext, and an
    // entry is found only by the identity it was unwrapped for.
    private static string CacheKey(string scope, ServiceAccountIdentity identity, ReadOnlyMemory<byte> blob)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{scope}\n{identity}\n"));
        hash.AppendData(blob.Span);
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        hash.GetHashAndReset(digest);
        return Convert.ToBase64String(digest);
    }

    private async ValueTask<T> CountedAsync<T>(string operation, Func<ValueTask<T>> call)
    {
        var outcome = "unavailable";
        try
        {
            var result = await call().ConfigureAwait(false);
            outcome = "ok";
            return result;
        }
        catch (CryptographicException)
        {
            outcome = "refused";
            throw;
        }
        finally
        {
            CloudTelemetry.KmsCalls.Add(1, new("key_id", _kms.KeyId), new("operation", operation), new("outcome", outcome));
        }
    }

    private void EnsureKnown(string keyId)
    {
        if (!HasKey(keyId))
        {
            throw new KeyNotFoundException("This KMS provider has no key with this id.");
        }
    }
}
