using Kamus.Wire.Identity;
using System.Security.Cryptography;
using System.Text;

namespace Kamus.Wire.Crypto;

/// <summary>
/// The two per-service-account key derivations: upstream's, read for compatibility, and the v2 one. The span overloads
/// write the key where the caller says (a stack buffer it zeroes) and copy no key material anywhere else.
/// </summary>
internal static class KeyDerivation
{
    /// <summary>The size of every Kamus key, in bytes (AES-256).</summary>
    public const int KeySize = 32;

    // identity (≤ 63 + 1 + 253 characters) and key id (≤ 32) fit easily; labels are ASCII.
    private const int MaxInfoBytes = 512;

    /// <summary>
    /// Upstream Kamus (<c>UseKeyDeriviation=true</c>): HKDF-SHA256-Expand with the master key as the PRK
    /// and UTF-8 <c>namespace:serviceAccount</c> as info, without an extract step.
    /// </summary>
    public static void DeriveUpstreamKey(ReadOnlySpan<byte> masterKey, ServiceAccountIdentity identity, Span<byte> destination)
    {
        Span<byte> info = stackalloc byte[MaxInfoBytes];
        var length = WriteIdentity(identity, info);
        HKDF.Expand(HashAlgorithmName.SHA256, masterKey, destination[..KeySize], info[..length]);
    }

    /// <summary>The upstream derived key in a new array, which the caller zeroes.</summary>
    public static byte[] DeriveUpstreamKey(ReadOnlySpan<byte> masterKey, ServiceAccountIdentity identity)
    {
        var output = new byte[KeySize];
        DeriveUpstreamKey(masterKey, identity, output);
        return output;
    }

    /// <summary>
    /// v2: full HKDF-SHA256 (extract and expand) with its own salt and a versioned info label that also names the key id,
    /// so a v2 key never equals an upstream key for the same master key and identity (domain separation).
    /// </summary>
    public static void DeriveV2Key(ReadOnlySpan<byte> masterKey, string keyId, ServiceAccountIdentity identity, Span<byte> destination)
    {
        // info = "kamus/v2/kek|" keyId "|" identity
        Span<byte> info = stackalloc byte[MaxInfoBytes];
        var length = Append(info, 0, "kamus/v2/kek|");
        length = Append(info, length, keyId);
        length = Append(info, length, "|");
        length += WriteIdentity(identity, info[length..]);
        HKDF.DeriveKey(HashAlgorithmName.SHA256, masterKey, destination[..KeySize], V2Salt, info[..length]);
    }

    /// <summary>The v2 derived key in a new array, which the caller zeroes.</summary>
    public static byte[] DeriveV2Key(ReadOnlySpan<byte> masterKey, string keyId, ServiceAccountIdentity identity)
    {
        var output = new byte[KeySize];
        DeriveV2Key(masterKey, keyId, identity, output);
        return output;
    }

    private static ReadOnlySpan<byte> V2Salt => "kamus/v2/salt"u8;

    // UTF-8 of "namespace:name" without building the string.
    private static int WriteIdentity(ServiceAccountIdentity identity, Span<byte> destination)
    {
        var length = Append(destination, 0, identity.Namespace);
        length = Append(destination, length, ":");
        return Append(destination, length, identity.Name);
    }

    private static int Append(Span<byte> destination, int offset, string text) =>
        offset + Encoding.UTF8.GetBytes(text, destination[offset..]);
}
