using System.Security.Cryptography;
using System.Text;

namespace Kamus.CloudKms.Tests.Support;

/// <summary>
/// Upstream Kamus's KeyIdCreator, written again from its description rather than shared with the code under test:
/// <c>WebEncoders.Base64UrlEncode(SHA256(UTF-8 id)).Replace("_", "-")</c>.
/// </summary>
internal static class UpstreamKeyId
{
    public static string Create(string id) =>
        Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(id))).TrimEnd('=').Replace('+', '-').Replace('/', '_').Replace("_", "-", StringComparison.Ordinal);
}
