using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Kamus.Wire.Identity;

namespace Kamus.KeyManagement.AzureKeyVault;

/// <summary>
/// Upstream Kamus's name for a service account's cloud key: base64url (unpadded) of SHA-256 of UTF-8
/// <c>namespace:serviceAccount</c>, with <c>_</c> turned into <c>-</c> (43 characters of <c>[A-Za-z0-9-]</c>).
/// </summary>
internal static class KeyIdCreator
{
    public static string Create(ServiceAccountIdentity identity)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(identity.ToString()), hash);
        return Base64Url.EncodeToString(hash).Replace('_', '-');
    }
}
