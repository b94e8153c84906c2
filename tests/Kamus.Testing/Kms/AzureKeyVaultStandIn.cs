using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Kamus.Testing.Kms;

/// <summary>
/// A loopback stand-in for Azure Key Vault's keys REST API and the Microsoft Entra ID token endpoint it trusts.
/// <para>
/// Modelled, as the real services do it: <c>GET /keys/{name}</c>, <c>POST /keys/{name}/create</c> (kty <c>RSA</c> or
/// <c>RSA-HSM</c>, key_size 2048/3072/4096, key_ops; a second create adds a version), and
/// <c>POST /keys/{name}[/{version}]/{encrypt|decrypt|wrapkey|unwrapkey}</c> with <c>RSA-OAEP</c> (SHA-1),
/// <c>RSA-OAEP-256</c> and <c>RSA1_5</c>, base64url values, versioned <c>kid</c>s, <c>api-version</c> required; the
/// error body <c>{"error":{"code","message"}}</c> with Key Vault's codes (<c>KeyNotFound</c> 404, <c>BadParameter</c>
/// 400 for a value the key cannot decrypt, <c>Forbidden</c> 403 for a disabled key or an operation the key does not
/// allow, <c>Unauthorized</c> 401); challenge-based authentication (a request without a valid bearer token gets 401
/// with <c>WWW-Authenticate: Bearer authorization="&lt;authority&gt;/&lt;tenant&gt;", resource="..."</c>, and the
/// continuous access evaluation claims challenge for a revoked token, see <see cref="RevokeTokens"/>); and the
/// client-credentials grant at <c>POST /{tenant}/oauth2/v2.0/token</c> (client id and secret, scope
/// <c>&lt;resource&gt;/.default</c>, AADSTS errors), over HTTPS as Azure.Identity demands.
/// </para>
/// <para>
/// Not modelled: real RBAC or access policies (any token for the right resource may do anything), soft delete,
/// rotation policies, EC and oct keys, signing, HSM attestation, managed identity and workload identity endpoints,
/// and the real resource (<c>https://vault.azure.net</c>): the challenge names <see cref="ChallengeResource"/>,
/// <c>https://127.0.0.1</c> by default, because the client accepts only a resource whose host covers the vault's.
/// Failures on demand: <see cref="Failure"/> (500, 503, 403 or a dropped connection on key operations) and <see cref="Hang"/>.
/// </para>
/// </summary>
public sealed class AzureKeyVaultStandIn : IAsyncDisposable
{
    // {"access_token":{"nbf":{"essential":true,"value":"1700000000"}}}, the shape of Entra ID's revocation claims.
    private const string RevocationClaims = "eyJhY2Nlc3NfdG9rZW4iOnsibmJmIjp7ImVzc2VudGlhbCI6dHJ1ZSwidmFsdWUiOiIxNzAwMDAwMDAwIn19fQ==";

    /// <summary>The tenant the stand-in's challenge names.</summary>
    public const string TenantId = "7e57a2e1-0000-4000-8000-00000000a2e1";

    private readonly ConcurrentDictionary<string, string> _clients = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _revoked = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, KeyEntry> _keys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);
    private readonly LoopbackStandInHost _host;

    private AzureKeyVaultStandIn(LoopbackStandInHost host, X509Certificate2 certificate)
    {
        _host = host;
        Certificate = certificate;
        VaultUrl = host.Urls.Single(u => u.Scheme == Uri.UriSchemeHttp);
        HttpsVaultUrl = host.Urls.Single(u => u.Scheme == Uri.UriSchemeHttps);
    }

    /// <summary>The vault over plain http on loopback, <c>http://127.0.0.1:port/</c>.</summary>
    public Uri VaultUrl { get; }

    /// <summary>The same vault over HTTPS with <see cref="Certificate"/>.</summary>
    public Uri HttpsVaultUrl { get; }

    /// <summary>The Entra ID authority host (HTTPS): the token endpoint is <c>{AuthorityHost}{tenant}/oauth2/v2.0/token</c>.</summary>
    public Uri AuthorityHost => HttpsVaultUrl;

    /// <summary>The self-signed certificate of the HTTPS endpoint; clients trust it explicitly.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The resource the 401 challenge names; tokens must be for <c>{resource}/.default</c>.</summary>
    public string ChallengeResource { get; set; } = "https://127.0.0.1";

    /// <summary>Makes key operations (not the token endpoint) fail on purpose. Settable at any time.</summary>
    public StandInFailure Failure { get; set; }

    /// <summary>Makes every vault request (not the token endpoint) hang until the caller gives up. Settable at any time.</summary>
    public bool Hang { get; set; }

    /// <summary>Key names in the vault.</summary>
    public IReadOnlyCollection<string> KeyNames => [.. _keys.Keys];

    /// <summary>Starts the stand-in on 127.0.0.1: one http and one HTTPS port.</summary>
    public static async Task<AzureKeyVaultStandIn> StartAsync(CancellationToken cancellationToken = default)
    {
        var certificate = TestCertificates.CreateSelfSignedLoopback();
        AzureKeyVaultStandIn? standIn = null;
        var host = await LoopbackStandInHost.StartAsync(
            app =>
            {
                app.MapPost("/{tenant}/oauth2/v2.0/token", context => standIn!.TokenAsync(context));
                app.Map("/keys/{**path}", context => standIn!.VaultAsync(context));
            },
            cancellationToken,
            builder =>
            {
                builder.WebHost.UseKestrelHttpsConfiguration();
                builder.WebHost.ConfigureKestrel(kestrel =>
                {
                    kestrel.Listen(IPAddress.Loopback, 0);
                    kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate));
                });
            });
        standIn = new AzureKeyVaultStandIn(host, certificate);
        return standIn;
    }

    /// <summary>Registers an application (service principal) that may get tokens with a client secret.</summary>
    public void AddClient(string clientId, string clientSecret) => _clients[clientId] = clientSecret;

    /// <summary>How many requests of a kind arrived: <c>token</c>, <c>challenge</c> (401 without a token), <c>get</c>, <c>create</c>, <c>encrypt</c>, <c>decrypt</c>, <c>wrapkey</c>, <c>unwrapkey</c>, <c>unauthenticated-body</c>.</summary>
    public int Count(string kind) => _counts.TryGetValue(kind, out var n) ? n : 0;

    /// <summary>Resets the counts.</summary>
    public void ResetCounts() => _counts.Clear();

    /// <summary>The versions of key <paramref name="name"/>, oldest first (empty when there is no such key).</summary>
    public IReadOnlyList<string> Versions(string name) => _keys.TryGetValue(name, out var entry) ? entry.Snapshot().Select(v => v.Version).ToList() : [];

    /// <summary>The key type and size key <paramref name="name"/> was created with.</summary>
    public (string KeyType, int KeySize)? KeyShape(string name) =>
        _keys.TryGetValue(name, out var entry) && entry.Snapshot() is [var first, ..] ? (first.KeyType, first.Rsa.KeySize) : null;

    /// <summary>Adds a new version of key <paramref name="name"/>, as a rotation in the portal would.</summary>
    public string Rotate(string name) => _keys[name].Add(KeyVersion.Create("RSA", 2048, null)).Version;

    /// <summary>
    /// Revokes every token it issued, as continuous access evaluation does: the next call with one gets Key Vault's
    /// claims challenge (401, <c>error="insufficient_claims", claims="..."</c>).
    /// </summary>
    public void RevokeTokens()
    {
        foreach (var token in _tokens.Keys)
        {
            _revoked[token] = true;
            _tokens.TryRemove(token, out _);
        }
    }

    /// <summary>
    /// Deletes key <paramref name="name"/>, as <c>az keyvault key delete</c> does: every call naming it (any version) then
    /// answers 404 <c>KeyNotFound</c>. The stand-in keeps no deleted key to recover (no soft delete).
    /// </summary>
    public void DeleteKey(string name) => _keys.TryRemove(name, out _);

    /// <summary>Enables or disables key <paramref name="name"/> (every version).</summary>
    public void SetEnabled(string name, bool enabled)
    {
        foreach (var version in _keys[name].Snapshot())
        {
            version.Enabled = enabled;
        }
    }

    /// <summary>A handler that trusts <see cref="Certificate"/> (and nothing else) for the HTTPS endpoint.</summary>
    public HttpClientHandler CreateTrustingHandler() => new()
    {
        ServerCertificateCustomValidationCallback = (_, presented, _, _) => presented is not null && presented.RawDataMemory.Span.SequenceEqual(Certificate.RawDataMemory.Span),
    };

    /// <summary>Stops listening: from now on the vault is unreachable (connection refused).</summary>
    public Task StopAsync() => _host.StopAsync();

    /// <summary>Stops and disposes the stand-in.</summary>
    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        Certificate.Dispose();
        foreach (var entry in _keys.Values)
        {
            foreach (var version in entry.Snapshot())
            {
                version.Rsa.Dispose();
            }
        }
    }

    private void Counted(string kind) => _counts.AddOrUpdate(kind, 1, (_, n) => n + 1);

    private async Task TokenAsync(HttpContext context)
    {
        Counted("token");
        var tenant = (string)context.Request.RouteValues["tenant"]!;
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var clientId = form["client_id"].ToString();
        if (form["grant_type"] != "client_credentials")
        {
            await TokenErrorAsync(context, 400, "unsupported_grant_type", 70003, "AADSTS70003: The app requested an unsupported grant type.");
            return;
        }

        if (tenant != TenantId)
        {
            await TokenErrorAsync(context, 400, "invalid_request", 90002, $"AADSTS90002: Tenant '{tenant}' not found.");
            return;
        }

        if (!_clients.TryGetValue(clientId, out var secret))
        {
            await TokenErrorAsync(context, 400, "unauthorized_client", 700016, $"AADSTS700016: Application with identifier '{clientId}' was not found in the directory.");
            return;
        }

        if (!string.Equals(form["client_secret"], secret, StringComparison.Ordinal))
        {
            await TokenErrorAsync(context, 401, "invalid_client", 7000215, "AADSTS7000215: Invalid client secret provided.");
            return;
        }

        var scope = form["scope"].ToString();
        var expected = ChallengeResource.TrimEnd('/') + "/.default";
        if (!scope.Split(' ').Contains(expected, StringComparer.Ordinal))
        {
            await TokenErrorAsync(context, 400, "invalid_scope", 1002012, $"AADSTS1002012: The provided value for scope {scope} is not valid.");
            return;
        }

        var token = "kv-standin-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        _tokens[token] = clientId;
        await WriteJsonAsync(context, 200, new JsonObject
        {
            ["token_type"] = "Bearer",
            ["expires_in"] = 3599,
            ["ext_expires_in"] = 3599,
            ["access_token"] = token,
        });
    }

    private static Task TokenErrorAsync(HttpContext context, int status, string error, int code, string description) =>
        WriteJsonAsync(context, status, new JsonObject
        {
            ["error"] = error,
            ["error_description"] = description + " Trace ID: 00000000-0000-0000-0000-000000000000",
            ["error_codes"] = new JsonArray(code),
            ["timestamp"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
        });

    private async Task VaultAsync(HttpContext context)
    {
        if (Hang)
        {
            await LoopbackStandInHost.HangAsync(context);
            return;
        }

        var request = context.Request;
        if (!IsAuthorized(request))
        {
            Counted("challenge");
            if (request.ContentLength > 0)
            {
                Counted("unauthenticated-body");
            }

            var authority = new Uri(AuthorityHost, TenantId).ToString();
            var presented = request.Headers.Authorization.ToString();
            context.Response.Headers.WWWAuthenticate = presented.StartsWith("Bearer ", StringComparison.Ordinal) && _revoked.ContainsKey(presented["Bearer ".Length..])
                ? $"Bearer realm=\"\", authorization_uri=\"{new Uri(AuthorityHost, "common/oauth2/authorize")}\", error=\"insufficient_claims\", claims=\"{RevocationClaims}\""
                : $"Bearer authorization=\"{authority}\", resource=\"{ChallengeResource}\"";
            await VaultErrorAsync(context, 401, "Unauthorized", request.Headers.Authorization.Count == 0
                ? "AKV10000: Request is missing a Bearer or PoP token."
                : "AKV10032: Invalid issuer or token.");
            return;
        }

        if (string.IsNullOrEmpty(request.Query["api-version"]))
        {
            await VaultErrorAsync(context, 400, "BadParameter", "The api-version query parameter is required.");
            return;
        }

        var segments = ((string?)request.RouteValues["path"] ?? string.Empty).Split('/');
        switch (request.Method, segments)
        {
            case ("GET", [var name]):
                Counted("get");
                await GetAsync(context, name);
                return;
            case ("POST", [var name, "create"]):
                Counted("create");
                await CreateAsync(context, name);
                return;
            case ("POST", [var name, var operation]) when IsKeyOperation(operation):
                Counted(operation);
                await KeyOperationAsync(context, name, null, operation);
                return;
            case ("POST", [var name, var version, var operation]) when IsKeyOperation(operation):
                Counted(operation);
                await KeyOperationAsync(context, name, version, operation);
                return;
            default:
                await VaultErrorAsync(context, 404, "NotFound", "The requested path was not found.");
                return;
        }
    }

    private bool IsAuthorized(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.Ordinal) && _tokens.ContainsKey(header["Bearer ".Length..]);
    }

    private static bool IsKeyOperation(string operation) => operation is "encrypt" or "decrypt" or "wrapkey" or "unwrapkey";

    private async Task<bool> FailedOnPurposeAsync(HttpContext context)
    {
        switch (Failure)
        {
            case StandInFailure.Abort:
                context.Abort();
                return true;
            case StandInFailure.ServerError:
                await VaultErrorAsync(context, 500, "InternalServerError", "The stand-in fails on purpose.");
                return true;
            case StandInFailure.ServiceUnavailable:
                await VaultErrorAsync(context, 503, "ServiceUnavailable", "The stand-in is unavailable on purpose.");
                return true;
            case StandInFailure.Forbidden:
                await VaultErrorAsync(context, 403, "Forbidden", "The user, group or application does not have keys permission on key vault 'stand-in'.");
                return true;
            default:
                return false;
        }
    }

    private async Task GetAsync(HttpContext context, string name)
    {
        if (await FailedOnPurposeAsync(context))
        {
            return;
        }

        if (!_keys.TryGetValue(name, out var entry) || entry.Snapshot() is not [.., var current])
        {
            await KeyNotFoundAsync(context, name);
            return;
        }

        await WriteJsonAsync(context, 200, Bundle(context, name, current));
    }

    private async Task CreateAsync(HttpContext context, string name)
    {
        if (await FailedOnPurposeAsync(context))
        {
            return;
        }

        var body = await ReadJsonAsync(context);
        var kty = body?["kty"]?.GetValue<string>();
        var size = body?["key_size"]?.GetValue<int>() ?? 2048;
        if (kty is not ("RSA" or "RSA-HSM") || size is not (2048 or 3072 or 4096))
        {
            await VaultErrorAsync(context, 400, "BadParameter", "Invalid key type or key size.");
            return;
        }

        var operations = body?["key_ops"]?.AsArray().Select(o => o!.GetValue<string>()).ToArray();
        var version = _keys.GetOrAdd(name, _ => new KeyEntry()).Add(KeyVersion.Create(kty, size, operations));
        await WriteJsonAsync(context, 200, Bundle(context, name, version));
    }

    private async Task KeyOperationAsync(HttpContext context, string name, string? versionId, string operation)
    {
        if (await FailedOnPurposeAsync(context))
        {
            return;
        }

        var versions = _keys.TryGetValue(name, out var entry) ? entry.Snapshot() : [];
        var version = versionId is null ? versions.LastOrDefault() : versions.FirstOrDefault(v => v.Version == versionId);
        if (version is null)
        {
            await KeyNotFoundAsync(context, versionId is null ? name : $"{name}/{versionId}");
            return;
        }

        if (!version.Enabled)
        {
            await VaultErrorAsync(context, 403, "Forbidden", $"Operation {operation} is not allowed on a disabled key.");
            return;
        }

        if (version.Operations is { } allowed && !allowed.Contains(operation, StringComparer.OrdinalIgnoreCase))
        {
            await VaultErrorAsync(context, 403, "Forbidden", $"Operation {operation} is not permitted on this key.");
            return;
        }

        var body = await ReadJsonAsync(context);
        var padding = body?["alg"]?.GetValue<string>() switch
        {
            "RSA-OAEP" => RSAEncryptionPadding.OaepSHA1,
            "RSA-OAEP-256" => RSAEncryptionPadding.OaepSHA256,
            "RSA1_5" => RSAEncryptionPadding.Pkcs1,
            _ => null,
        };
        byte[] value;
        try
        {
            value = Base64UrlDecode(body?["value"]?.GetValue<string>());
        }
        catch (FormatException)
        {
            value = [];
        }

        if (padding is null || value.Length == 0)
        {
            await VaultErrorAsync(context, 400, "BadParameter", "Invalid algorithm or value.");
            return;
        }

        byte[] result;
        try
        {
            result = operation is "encrypt" or "wrapkey" ? version.Rsa.Encrypt(value, padding) : version.Rsa.Decrypt(value, padding);
        }
        catch (CryptographicException)
        {
            await VaultErrorAsync(context, 400, "BadParameter", "The parameter is incorrect.");
            return;
        }

        await WriteJsonAsync(context, 200, new JsonObject
        {
            ["kid"] = Kid(context, name, version),
            ["value"] = Convert.ToBase64String(result).TrimEnd('=').Replace('+', '-').Replace('/', '_'),
        });
    }

    private static Task KeyNotFoundAsync(HttpContext context, string name) =>
        VaultErrorAsync(context, 404, "KeyNotFound", $"A key with (name/id) {name} was not found in this key vault. If you recently deleted this key you may be able to recover it using the correct recovery command.");

    private static string Kid(HttpContext context, string name, KeyVersion version) =>
        $"{context.Request.Scheme}://{context.Request.Host}/keys/{name}/{version.Version}";

    private static JsonObject Bundle(HttpContext context, string name, KeyVersion version)
    {
        var parameters = version.Rsa.ExportParameters(false);
        return new JsonObject
        {
            ["key"] = new JsonObject
            {
                ["kid"] = Kid(context, name, version),
                ["kty"] = version.KeyType,
                ["key_ops"] = new JsonArray([.. (version.Operations ?? ["encrypt", "decrypt", "sign", "verify", "wrapKey", "unwrapKey"]).Select(o => (JsonNode)JsonValue.Create(o))]),
                ["n"] = Convert.ToBase64String(parameters.Modulus!).TrimEnd('=').Replace('+', '-').Replace('/', '_'),
                ["e"] = Convert.ToBase64String(parameters.Exponent!).TrimEnd('=').Replace('+', '-').Replace('/', '_'),
            },
            ["attributes"] = new JsonObject
            {
                ["enabled"] = version.Enabled,
                ["created"] = 1700000000,
                ["updated"] = 1700000000,
                ["recoveryLevel"] = "Recoverable+Purgeable",
            },
        };
    }

    private static async Task<JsonNode?> ReadJsonAsync(HttpContext context)
    {
        try
        {
            return await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static byte[] Base64UrlDecode(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return [];
        }

        var padded = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded.PadRight(padded.Length + ((4 - (padded.Length % 4)) % 4), '='));
    }

    private static Task VaultErrorAsync(HttpContext context, int status, string code, string message) =>
        WriteJsonAsync(context, status, new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } });

    private static Task WriteJsonAsync(HttpContext context, int status, JsonObject body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }

    private sealed class KeyEntry
    {
        private readonly Lock _gate = new();
        private KeyVersion[] _versions = [];

        public KeyVersion[] Snapshot() => Volatile.Read(ref _versions);

        public KeyVersion Add(KeyVersion version)
        {
            lock (_gate)
            {
                _versions = [.. _versions, version];
            }

            return version;
        }
    }

    private sealed class KeyVersion
    {
        private KeyVersion(string keyType, RSA rsa, string[]? operations)
        {
            KeyType = keyType;
            Rsa = rsa;
            Operations = operations;
            Version = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        }

        public string Version { get; }

        public string KeyType { get; }

        public RSA Rsa { get; }

        public string[]? Operations { get; }

        public bool Enabled { get; set; } = true;

        public static KeyVersion Create(string keyType, int size, string[]? operations) => new(keyType, RSA.Create(size), operations);
    }
}
