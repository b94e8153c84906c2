using System.Buffers.Text;
using System.Text;

namespace Kamus.Client.Tests.Support;

/// <summary>Makes unsigned JWT-shaped tokens with chosen iat/exp (the client reads them; the server validates them).</summary>
public static class Jwt
{
    public static string Make(DateTimeOffset issuedAt, DateTimeOffset expiresAt, string subject = "system:serviceaccount:team-a:api")
    {
        var header = Base64Url.EncodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}"u8);
        var payload = Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{{\"sub\":\"{subject}\",\"iat\":{issuedAt.ToUnixTimeSeconds()},\"exp\":{expiresAt.ToUnixTimeSeconds()}}}"));
        return $"{header}.{payload}.c2lnbmF0dXJl";
    }
}
