using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Kamus.Server.Authentication;

/// <summary>The SHA-256 of a token: the review cache's key, so the cache never holds a token.</summary>
internal readonly record struct TokenDigest(UInt128 High, UInt128 Low)
{
    /// <summary>Hashes the UTF-8 bytes of <paramref name="token"/>.</summary>
    public static TokenDigest Of(ReadOnlySpan<char> token)
    {
        var length = Encoding.UTF8.GetMaxByteCount(token.Length);
        byte[]? rented = null;
        var buffer = length <= 2048 ? stackalloc byte[2048] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            var written = Encoding.UTF8.GetBytes(token, buffer);
            Span<byte> hash = stackalloc byte[32];
            SHA256.HashData(buffer[..written], hash);
            CryptographicOperations.ZeroMemory(buffer[..written]);
            return new TokenDigest(BinaryPrimitives.ReadUInt128BigEndian(hash), BinaryPrimitives.ReadUInt128BigEndian(hash[16..]));
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
