using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Kamus.Wire.Crypto;

namespace Kamus.KeyManagement.AzureKeyVault;

/// <summary>
/// The bytes a v2 value carries under the Azure Key Vault provider: a fresh 256-bit key <c>K</c> wrapped with the
/// service account's Key Vault RSA key (RSA-OAEP-256), and the plaintext sealed under <c>K</c> with AES-256-GCM and
/// the format's associated data (which names the key id and the service account). Key Vault has no associated data of
/// its own, so the GCM layer is what binds the identity and detects tampering; the RSA key being per account is a
/// second, independent barrier. The key version is recorded, so values stay readable after a rotation in Key Vault.
/// <code>
/// 0x01 | len(version) (1) | version (ASCII) | len(wrapped K) (2, big-endian) | wrapped K | nonce (12) | ciphertext | tag (16)
/// </code>
/// </summary>
internal readonly record struct KeyVaultWrappedBlob(string KeyVersion, ReadOnlyMemory<byte> WrappedKey, ReadOnlyMemory<byte> Sealed)
{
    private const byte Layout = 1;

    /// <summary>Joins the parts.</summary>
    public static byte[] Format(string keyVersion, ReadOnlySpan<byte> wrappedKey, ReadOnlySpan<byte> sealedValue)
    {
        var version = Encoding.ASCII.GetBytes(keyVersion);
        var blob = new byte[4 + version.Length + wrappedKey.Length + sealedValue.Length];
        blob[0] = Layout;
        blob[1] = checked((byte)version.Length);
        version.CopyTo(blob.AsSpan(2));
        var at = 2 + version.Length;
        BinaryPrimitives.WriteUInt16BigEndian(blob.AsSpan(at), checked((ushort)wrappedKey.Length));
        wrappedKey.CopyTo(blob.AsSpan(at + 2));
        sealedValue.CopyTo(blob.AsSpan(at + 2 + wrappedKey.Length));
        return blob;
    }

    /// <summary>Splits a blob made by <see cref="Format"/>.</summary>
    /// <exception cref="CryptographicException">The bytes are not such a blob.</exception>
    public static KeyVaultWrappedBlob Parse(ReadOnlyMemory<byte> blob)
    {
        var span = blob.Span;
        if (span.Length < 4 || span[0] != Layout)
        {
            throw new CryptographicException("Not a Key Vault wrapped value.");
        }

        var versionLength = span[1];
        if (span.Length < 4 + versionLength)
        {
            throw new CryptographicException("Not a Key Vault wrapped value.");
        }

        var version = span.Slice(2, versionLength);
        if (versionLength == 0 || version.ContainsAnyExceptInRange((byte)'0', (byte)'z'))
        {
            throw new CryptographicException("Not a Key Vault wrapped value.");
        }

        var at = 2 + versionLength;
        var wrappedLength = BinaryPrimitives.ReadUInt16BigEndian(span[at..]);
        if (wrappedLength == 0 || span.Length < at + 2 + wrappedLength + AesGcmSealer.Overhead)
        {
            throw new CryptographicException("Not a Key Vault wrapped value.");
        }

        return new KeyVaultWrappedBlob(
            Encoding.ASCII.GetString(version),
            blob.Slice(at + 2, wrappedLength),
            blob[(at + 2 + wrappedLength)..]);
    }
}
