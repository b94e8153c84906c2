using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Kamus.Testing.Kms;

/// <summary>
/// The OAuth 2.0 token endpoint of <see cref="GoogleKmsStandIn"/>, as Google's serves service-account keys: a
/// JWT-bearer assertion (RFC 7523) whose RS256 signature, issuer, audience, scope and lifetime are checked against the
/// keys it wrote, answered with a bearer token (or <c>invalid_grant</c>). Not modelled: other grant types, the
/// metadata server, Workload Identity Federation.
/// </summary>
internal sealed class GoogleOAuthStandIn : IDisposable
{
    private const string CloudPlatformScope = "https://www.googleapis.com/auth/cloud-platform";
    private readonly ConcurrentDictionary<string, bool> _accessTokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, RSA> _serviceAccounts = new(StringComparer.Ordinal);

    public int TokensIssued => _accessTokens.Count;

    public bool IsIssued(string accessToken) => _accessTokens.ContainsKey(accessToken);

    /// <summary>Writes a service-account JSON key file naming <paramref name="tokenUri"/>, and accepts assertions signed by its key.</summary>
    public void WriteServiceAccountKey(string path, string projectId, string clientEmail, Uri tokenUri)
    {
        var rsa = RSA.Create(2048);
        _serviceAccounts[clientEmail] = rsa;
        var json = new JsonObject
        {
            ["type"] = "service_account",
            ["project_id"] = projectId,
            ["private_key_id"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20)),
            ["private_key"] = rsa.ExportPkcs8PrivateKeyPem(),
            ["client_email"] = clientEmail,
            ["client_id"] = "100000000000000000001",
            ["auth_uri"] = "https://accounts.google.com/o/oauth2/auth",
            ["token_uri"] = tokenUri.ToString(),
            ["universe_domain"] = "googleapis.com",
        };
        File.WriteAllText(path, json.ToJsonString());
    }

    public async Task TokenAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        if (form["grant_type"] != "urn:ietf:params:oauth:grant-type:jwt-bearer" || form["assertion"].ToString() is not { Length: > 0 } assertion)
        {
            await OAuthErrorAsync(context, "unsupported_grant_type", "Invalid grant_type.");
            return;
        }

        if (CheckAssertion(assertion) is { } problem)
        {
            await OAuthErrorAsync(context, "invalid_grant", problem);
            return;
        }

        var token = "ya29.stand-in-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        _accessTokens[token] = true;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(new JsonObject { ["access_token"] = token, ["expires_in"] = 3599, ["token_type"] = "Bearer" }.ToJsonString(), context.RequestAborted);
    }

    private string? CheckAssertion(string assertion)
    {
        var parts = assertion.Split('.');
        if (parts.Length != 3)
        {
            return "Invalid JWT: Token must be a short-lived token and in a reasonable timeframe.";
        }

        JsonObject header, claims;
        try
        {
            header = JsonNode.Parse(Base64UrlDecode(parts[0])) as JsonObject ?? throw new JsonException();
            claims = JsonNode.Parse(Base64UrlDecode(parts[1])) as JsonObject ?? throw new JsonException();
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            return "Invalid JWT: the header or claims are not JSON.";
        }

        if (header["alg"]?.GetValue<string>() != "RS256" || claims["iss"]?.GetValue<string>() is not { } issuer || !_serviceAccounts.TryGetValue(issuer, out var rsa))
        {
            return "Invalid JWT Signature.";
        }

        var signed = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
        if (!rsa.VerifyData(signed, Base64UrlDecode(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
        {
            return "Invalid JWT Signature.";
        }

        if (claims["aud"]?.GetValue<string>() != GoogleKmsStandIn.TokenAudience)
        {
            return "Invalid JWT: Failed audience check.";
        }

        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        if (claims["exp"]?.GetValue<long>() is not { } exp || claims["iat"]?.GetValue<long>() is not { } iat || exp <= now - 300 || exp - iat > 3600)
        {
            return "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.";
        }

        var scopes = claims["scope"]?.GetValue<string>()?.Split(' ') ?? [];
        return scopes.Contains(GoogleKmsStandIn.KmsScope) || scopes.Contains(CloudPlatformScope) ? null : "Invalid OAuth scope or ID token audience provided.";
    }

    private static byte[] Base64UrlDecode(string text) => System.Buffers.Text.Base64Url.DecodeFromChars(text);

    private static Task OAuthErrorAsync(HttpContext context, string error, string description)
    {
        context.Response.StatusCode = 400;
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(new JsonObject { ["error"] = error, ["error_description"] = description }.ToJsonString(), context.RequestAborted);
    }

    public void Dispose()
    {
        foreach (var rsa in _serviceAccounts.Values)
        {
            rsa.Dispose();
        }
    }
}
