using Kamus.Wire.Identity;
using System.Security.Cryptography;
using System.Text;

namespace Kamus.Wire.Crypto;

/// <summary>The two per-service-account key derivations: upstream's, read for compatibility, and the v2 one.</summary>
internal static class KeyDerivation
{
    /// <summary>The size of every Kamus key, in bytes (AES-256).</summary>
    public const int KeySize = 32;

    /// <summary>
    /// Upstream Kamus (<c>UseKeyDeriviation=true</c>): HKDF-SHA256-Expand with the master key as the PRK
    /// and UTF-8 <c>namespace:serviceAccount</c> as info, without an extract step.
    /// </summary>
    public static byte[] DeriveUpstreamKey(ReadOnlySpan<byte> masterKey, ServiceAccountIdentity identity)
    {
        var info = Encoding.UTF8.GetBytes(identity.ToString());
        return HKDF.Expand(HashAlgorithmName.SHA256, masterKey.ToArray(), KeySize, info);
    }

    /// <summary>
    /// v2: full HKDF-SHA256 (extract and expand) with its own salt and a versioned info label that also names the key id,
    /// so a v2 key never equals an upstream key for the same master key and identity (domain separation).
    /// </summary>
    public static byte[] DeriveV2Key(ReadOnlySpan<byte> masterKey, string keyId, ServiceAccountIdentity identity)
    {
        var info = Encoding.UTF8.GetBytes($"kamus/v2/kek|{keyId}|{identity}");
        var output = new byte[KeySize];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, masterKey, output, V2Salt, info);
        return output;
    }

    private static ReadOnlySpan<byte> V2Salt => "kamus/v2/salt"u8;
}
