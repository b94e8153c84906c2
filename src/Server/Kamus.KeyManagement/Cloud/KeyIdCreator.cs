using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Kamus.Wire.Identity;

namespace Kamus.KeyManagement.Cloud;

/// <summary>
/// Upstream Kamus's name for a service account's key in a cloud KMS: base64url of SHA-256 of the UTF-8
/// <c>namespace:serviceAccount</c>, without padding, with <c>_</c> replaced by <c>-</c> (43 characters of
/// <c>[A-Za-z0-9-]</c>, valid as an AWS alias, a Key Vault key name and a Cloud KMS CryptoKey id). Values upstream made
/// are found under the same names.
/// </summary>
internal static class KeyIdCreator
{
    /// <summary>The key name of <paramref name="identity"/>.</summary>
    public static string Create(ServiceAccountIdentity identity)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(identity.ToString()), hash);
        return Base64Url.EncodeToString(hash).Replace('_', '-');
    }
}
