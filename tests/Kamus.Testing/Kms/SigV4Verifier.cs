using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Kamus.Testing.Kms;

/// <summary>
/// Checks an AWS Signature Version 4 <c>Authorization</c> header the way AWS does for a JSON-protocol POST to <c>/</c>:
/// the credential scope (access key, date, region, service), the signed headers, the payload hash and the signature
/// itself, recomputed with the secret key. It answers the AWS error code a real service would send, or <see langword="null"/>.
/// </summary>
internal static class SigV4Verifier
{
    private const string Algorithm = "AWS4-HMAC-SHA256";

    /// <summary>
    /// Returns <see langword="null"/> when the request is signed by a key <paramref name="secretOf"/> knows (with its
    /// session token, for temporary credentials), else an AWS error (code, message).
    /// </summary>
    public static (string Code, string Message)? Verify(HttpRequest request, byte[] body, Func<string, (string Secret, string? SessionToken)?> secretOf, string region, string service)
    {
        var authorization = request.Headers.Authorization.ToString();
        var amzDate = request.Headers["X-Amz-Date"].ToString();
        if (authorization.Length == 0 || amzDate.Length == 0)
        {
            return ("MissingAuthenticationTokenException", "Missing Authentication Token");
        }

        if (!authorization.StartsWith(Algorithm + " ", StringComparison.Ordinal))
        {
            return ("IncompleteSignatureException", "Unsupported signature algorithm.");
        }

        var fields = authorization[(Algorithm.Length + 1)..].Split(',', StringSplitOptions.TrimEntries)
            .Select(part => part.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal);
        if (!fields.TryGetValue("Credential", out var credential) || !fields.TryGetValue("SignedHeaders", out var signedHeaders) || !fields.TryGetValue("Signature", out var signature))
        {
            return ("IncompleteSignatureException", "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature'.");
        }

        var scope = credential.Split('/');
        if (scope.Length != 5 || scope[4] != "aws4_request")
        {
            return ("IncompleteSignatureException", "Credential should be scoped to a valid region.");
        }

        if (secretOf(scope[0]) is not var (secretKey, sessionToken) || request.Headers["X-Amz-Security-Token"].ToString() != (sessionToken ?? string.Empty))
        {
            return ("UnrecognizedClientException", "The security token included in the request is invalid.");
        }

        if (scope[2] != region || scope[3] != service || !amzDate.StartsWith(scope[1], StringComparison.Ordinal))
        {
            return ("InvalidSignatureException", $"Credential should be scoped to a valid region and service ('{region}', '{service}').");
        }

        var headerNames = signedHeaders.Split(';');
        if (!headerNames.Contains("host") || !headerNames.Contains("x-amz-date"))
        {
            return ("InvalidSignatureException", "The request signature must sign the host and x-amz-date headers.");
        }

        var payloadHash = Convert.ToHexStringLower(SHA256.HashData(body));
        if (request.Headers["X-Amz-Content-SHA256"] is { Count: > 0 } declared && declared.ToString() != payloadHash)
        {
            return ("InvalidSignatureException", "The provided 'x-amz-content-sha256' header does not match what was computed.");
        }

        var canonical = new StringBuilder()
            .Append(request.Method).Append('\n')
            .Append(request.Path.HasValue ? request.Path.Value : "/").Append('\n')
            .Append(CanonicalQuery(request)).Append('\n');
        foreach (var name in headerNames)
        {
            var value = name == "host" ? request.Host.Value : request.Headers[name].ToString();
            canonical.Append(name).Append(':').Append(value?.Trim()).Append('\n');
        }

        canonical.Append('\n').Append(signedHeaders).Append('\n').Append(payloadHash);
        var stringToSign = $"{Algorithm}\n{amzDate}\n{string.Join('/', scope[1..])}\n{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())))}";
        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + secretKey), scope[1]);
        key = Hmac(key, scope[2]);
        key = Hmac(key, scope[3]);
        key = Hmac(key, "aws4_request");
        var expected = Convert.ToHexStringLower(Hmac(key, stringToSign));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature))
            ? null
            : ("InvalidSignatureException", "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.");
    }

    private static string CanonicalQuery(HttpRequest request) =>
        string.Join('&', request.Query.OrderBy(pair => pair.Key, StringComparer.Ordinal)
            .Select(pair => $"{Uri.EscapeDataString(pair.Key)}={Uri.EscapeDataString(pair.Value.ToString())}"));

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));
}
