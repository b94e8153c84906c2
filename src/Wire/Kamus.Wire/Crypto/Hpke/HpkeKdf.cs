using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Kamus.Wire.Crypto.Hpke;

/// <summary>
/// HKDF-SHA256 with HPKE's labels (RFC 9180 §4): every extract and expand is prefixed with <c>"HPKE-v1"</c>, the
/// caller's <c>suite_id</c> and a label, so no two HPKE uses of the KDF can produce the same output.
/// </summary>
internal static class HpkeKdf
{
    /// <summary>Nh, the output length of HKDF-SHA256's extract step.</summary>
    public const int HashLength = 32;

    // Inputs up to this size are assembled on the stack; larger ones (a long info) in a pooled, zeroed buffer.
    private const int StackLimit = 512;

    private static ReadOnlySpan<byte> Version => "HPKE-v1"u8;

    /// <summary><c>LabeledExtract(salt, label, ikm) = Extract(salt, "HPKE-v1" || suite_id || label || ikm)</c>, into <paramref name="prk"/> (32 bytes).</summary>
    public static void LabeledExtract(ReadOnlySpan<byte> suiteId, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> label, ReadOnlySpan<byte> ikm, Span<byte> prk)
    {
        var length = Version.Length + suiteId.Length + label.Length + ikm.Length;
        byte[]? rented = null;
        var buffer = length <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(length));
        var labeledIkm = buffer[..length];
        try
        {
            Version.CopyTo(labeledIkm);
            suiteId.CopyTo(labeledIkm[Version.Length..]);
            label.CopyTo(labeledIkm[(Version.Length + suiteId.Length)..]);
            ikm.CopyTo(labeledIkm[(Version.Length + suiteId.Length + label.Length)..]);
            HKDF.Extract(HashAlgorithmName.SHA256, labeledIkm, salt, prk);
        }
        finally
        {
            // The ikm is often secret (a Diffie-Hellman output, a seed).
            CryptographicOperations.ZeroMemory(labeledIkm);
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary><c>LabeledExpand(prk, label, info, L) = Expand(prk, I2OSP(L, 2) || "HPKE-v1" || suite_id || label || info, L)</c>, L = <paramref name="output"/>'s length.</summary>
    public static void LabeledExpand(ReadOnlySpan<byte> suiteId, ReadOnlySpan<byte> prk, ReadOnlySpan<byte> label, ReadOnlySpan<byte> info, Span<byte> output)
    {
        var length = 2 + Version.Length + suiteId.Length + label.Length + info.Length;
        byte[]? rented = null;
        var buffer = length <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(length));
        var labeledInfo = buffer[..length];
        try
        {
            BinaryPrimitives.WriteUInt16BigEndian(labeledInfo, checked((ushort)output.Length));
            Version.CopyTo(labeledInfo[2..]);
            suiteId.CopyTo(labeledInfo[(2 + Version.Length)..]);
            label.CopyTo(labeledInfo[(2 + Version.Length + suiteId.Length)..]);
            info.CopyTo(labeledInfo[(2 + Version.Length + suiteId.Length + label.Length)..]);
            HKDF.Expand(HashAlgorithmName.SHA256, prk, output, labeledInfo);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
