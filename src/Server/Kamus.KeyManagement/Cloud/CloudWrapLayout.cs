using System.Buffers.Binary;
using Kamus.Wire.Crypto;

namespace Kamus.KeyManagement.Cloud;

/// <summary>
/// The bytes a cloud provider's wrap produces: <c>0x01 || len(blob) (2 bytes, big-endian) || blob || sealed</c>, where
/// <c>blob</c> is the KMS ciphertext of a fresh 32-byte key and <c>sealed</c> is AES-256-GCM under that key
/// (<c>nonce(12) || ciphertext || tag(16)</c>) with the caller's associated data. One KMS call wraps and unwraps any
/// size, and the associated data (key id and identity) is bound even where the KMS itself binds none (RSA-OAEP).
/// </summary>
internal static class CloudWrapLayout
{
    /// <summary>The layout version.</summary>
    public const byte Version = 1;

    private const int HeaderSize = 3;

    /// <summary>Lays out <paramref name="blob"/> and <paramref name="sealedValue"/>.</summary>
    public static byte[] Format(ReadOnlySpan<byte> blob, ReadOnlySpan<byte> sealedValue)
    {
        if (blob.Length is 0 or > ushort.MaxValue)
        {
            throw new ArgumentException("A KMS ciphertext is 1 to 65535 bytes.", nameof(blob));
        }

        var result = new byte[HeaderSize + blob.Length + sealedValue.Length];
        result[0] = Version;
        BinaryPrimitives.WriteUInt16BigEndian(result.AsSpan(1), (ushort)blob.Length);
        blob.CopyTo(result.AsSpan(HeaderSize));
        sealedValue.CopyTo(result.AsSpan(HeaderSize + blob.Length));
        return result;
    }

    /// <summary>Splits a wrapped value, or returns <see langword="false"/> when it is not one.</summary>
    public static bool TryParse(ReadOnlyMemory<byte> wrapped, out ReadOnlyMemory<byte> blob, out ReadOnlyMemory<byte> sealedValue)
    {
        blob = sealedValue = default;
        var span = wrapped.Span;
        if (span.Length < HeaderSize + 1 + AesGcmSealer.Overhead || span[0] != Version)
        {
            return false;
        }

        var length = BinaryPrimitives.ReadUInt16BigEndian(span[1..]);
        if (length == 0 || span.Length < HeaderSize + length + AesGcmSealer.Overhead)
        {
            return false;
        }

        blob = wrapped.Slice(HeaderSize, length);
        sealedValue = wrapped[(HeaderSize + length)..];
        return true;
    }
}
