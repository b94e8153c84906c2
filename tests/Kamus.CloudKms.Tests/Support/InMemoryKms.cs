using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Kamus.KeyManagement.Cloud;
using Kamus.Wire.Identity;
using Microsoft.Extensions.Logging;

namespace Kamus.CloudKms.Tests.Support;

/// <summary>
/// A KMS in memory behind the narrow <see cref="ICloudKms"/> seam, for the shared cloud provider logic alone: one
/// AES-GCM key per identity, ciphertexts bound to it, and call counts. The real KMS clients are tested against the
/// stand-ins in tests/Kamus.Testing/Kms instead.
/// </summary>
internal sealed class InMemoryKms : ICloudKms
{
    private readonly ConcurrentDictionary<string, byte[]> _keys = new(StringComparer.Ordinal);
    private int _decrypts;

    public string KeyId => "mem";

    public string Description => "in-memory KMS";

    public int Decrypts => Volatile.Read(ref _decrypts);

    /// <summary>What <see cref="DecryptUpstreamAsync"/> answers (upstream's stored plaintext), by ciphertext.</summary>
    public ConcurrentDictionary<string, byte[]> UpstreamPlaintexts { get; } = new(StringComparer.Ordinal);

    public void AttachLogging(ILoggerFactory loggers)
    {
    }

    public ValueTask<(byte[] DataKey, byte[] Wrapped)> GenerateDataKeyAsync(ServiceAccountIdentity identity, CancellationToken cancellationToken)
    {
        var dataKey = RandomNumberGenerator.GetBytes(32);
        var key = _keys.GetOrAdd(identity.ToString(), _ => RandomNumberGenerator.GetBytes(32));
        var nonce = RandomNumberGenerator.GetBytes(12);
        var wrapped = new byte[12 + 32 + 16];
        nonce.CopyTo(wrapped, 0);
        using var gcm = new AesGcm(key, 16);
        gcm.Encrypt(nonce, dataKey, wrapped.AsSpan(12, 32), wrapped.AsSpan(44), Encoding.UTF8.GetBytes(identity.ToString()));
        return ValueTask.FromResult((dataKey, wrapped));
    }

    public ValueTask<byte[]> DecryptDataKeyAsync(ServiceAccountIdentity identity, ReadOnlyMemory<byte> wrapped, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _decrypts);
        if (!_keys.TryGetValue(identity.ToString(), out var key) || wrapped.Length != 60)
        {
            throw new CryptographicException("not this identity's");
        }

        var dataKey = new byte[32];
        using var gcm = new AesGcm(key, 16);
        gcm.Decrypt(wrapped.Span[..12], wrapped.Span.Slice(12, 32), wrapped.Span[44..], dataKey, Encoding.UTF8.GetBytes(identity.ToString()));
        return ValueTask.FromResult(dataKey);
    }

    public ValueTask<byte[]> DecryptUpstreamAsync(ServiceAccountIdentity identity, ReadOnlyMemory<byte> ciphertext, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _decrypts);
        return UpstreamPlaintexts.TryGetValue($"{identity}|{Convert.ToBase64String(ciphertext.Span)}", out var plaintext)
            ? ValueTask.FromResult(plaintext.ToArray())
            : throw new CryptographicException("not this identity's");
    }

    public void Dispose()
    {
    }
}
