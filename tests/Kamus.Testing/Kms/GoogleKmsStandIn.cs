using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Kamus.Testing.Kms;

/// <summary>
/// A Google Cloud KMS stand-in on loopback speaking the REST v1 API (<c>cloudkms.googleapis.com/v1</c> paths, JSON with
/// base64 bytes, <c>google.rpc.Status</c> error bodies) behind Google's OAuth 2.0 token endpoint for service-account
/// keys: <c>POST /token</c> takes a JWT-bearer assertion, whose RS256 signature, issuer, audience, scope and lifetime are
/// checked against the service-account key written by <see cref="WriteServiceAccountKey"/>, and issues bearer tokens
/// that every KMS call must carry (else 401 <c>UNAUTHENTICATED</c> with a <c>WWW-Authenticate: Bearer</c> challenge).
/// </summary>
/// <remarks>
/// Modelled: <c>GET</c> and <c>POST .../cryptoKeys?cryptoKeyId=</c> (with <c>ALREADY_EXISTS</c> and key-ring
/// <c>NOT_FOUND</c>; key rings exist only once <see cref="CreateKeyRing"/> made them, like <c>gcloud kms keyrings create</c>),
/// <c>:encrypt</c> and <c>:decrypt</c> with <c>additionalAuthenticatedData</c> (a ciphertext opens only under its own
/// CryptoKey and AAD, else 400 <c>INVALID_ARGUMENT</c> "Decryption failed"), the 64 KiB plaintext limit, and outages
/// (<see cref="Failure"/>). Not modelled: IAM (every valid token may do everything), key versions beyond the first
/// (rotation settings are only recorded), CRC32C integrity fields, import jobs, asymmetric keys, the real ciphertext
/// layout (ciphertexts here are opaque: the key's name hash, then AES-256-GCM under the key's material).
/// </remarks>
public sealed class GoogleKmsStandIn : IAsyncDisposable
{
    /// <summary>The audience Google's token endpoint requires in a service-account assertion.</summary>
    public const string TokenAudience = "https://oauth2.googleapis.com/token";

    /// <summary>The OAuth scope of Cloud KMS.</summary>
    public const string KmsScope = "https://www.googleapis.com/auth/cloudkms";

    private readonly ConcurrentDictionary<string, JsonObject> _cryptoKeys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte[]> _material = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _keyRings = new(StringComparer.Ordinal);
    private readonly GoogleOAuthStandIn _oauth = new();
    private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);
    private readonly LoopbackStandInHost _host;

    private GoogleKmsStandIn(LoopbackStandInHost host) => _host = host;

    /// <summary>The KMS endpoint, <c>http://127.0.0.1:port/</c>, for <c>KeyManagement:GoogleKms:Endpoint</c>.</summary>
    public Uri Url => _host.Url;

    /// <summary>The OAuth token endpoint, the <c>token_uri</c> of the key files this stand-in writes.</summary>
    public Uri TokenUri => new(Url, "token");

    /// <summary>Makes every KMS call (not the token endpoint) fail. Settable at any time.</summary>
    public KmsStandInFailure Failure { get; set; }

    /// <summary>How many access tokens the token endpoint issued.</summary>
    public int TokensIssued => _oauth.TokensIssued;

    /// <summary>Starts a stand-in on 127.0.0.1 and a free port.</summary>
    public static async Task<GoogleKmsStandIn> StartAsync(CancellationToken cancellationToken = default)
    {
        GoogleKmsStandIn? standIn = null;
        var host = await LoopbackStandInHost.StartAsync(
            app =>
            {
                app.MapPost("/token", context => standIn!._oauth.TokenAsync(context));
                app.Map("/v1/{**name}", context => standIn!.HandleAsync(context));
            },
            cancellationToken);
        standIn = new GoogleKmsStandIn(host);
        return standIn;
    }

    /// <summary>Creates a key ring (Kamus expects it to exist, as upstream did).</summary>
    public void CreateKeyRing(string projectId, string location, string keyRing) =>
        _keyRings[$"projects/{projectId}/locations/{location}/keyRings/{keyRing}"] = true;

    /// <summary>
    /// Writes a service-account JSON key file (the format <c>gcloud iam service-accounts keys create</c> writes) whose
    /// <c>token_uri</c> is this stand-in's token endpoint, which accepts assertions signed by its private key. The file
    /// holds a private key: tests delete it.
    /// </summary>
    public void WriteServiceAccountKey(string path, string projectId, string clientEmail = "kamus@kamus-tests.iam.gserviceaccount.com") =>
        _oauth.WriteServiceAccountKey(path, projectId, clientEmail, TokenUri);

    /// <summary>How many calls of <paramref name="method"/> (<c>encrypt</c>, <c>decrypt</c>, <c>get</c>, <c>create</c>) arrived.</summary>
    public int Calls(string method) => _calls.TryGetValue(method, out var count) ? count : 0;

    /// <summary>Resets <see cref="Calls"/>.</summary>
    public void ResetCalls() => _calls.Clear();

    /// <summary>The CryptoKey resource named <paramref name="name"/> as the API returns it, or <see langword="null"/>.</summary>
    public JsonObject? CryptoKey(string name) => _cryptoKeys.TryGetValue(name, out var key) ? (JsonObject)key.DeepClone() : null;

    /// <summary>Stops and disposes the stand-in.</summary>
    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        foreach (var material in _material.Values)
        {
            CryptographicOperations.ZeroMemory(material);
        }

        _oauth.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        if (await Failure.TryFailAsync(context, c => RpcErrorAsync(c, 500, "INTERNAL", "Internal error encountered.")))
        {
            return;
        }

        var authorization = context.Request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.Ordinal) || !_oauth.IsIssued(authorization["Bearer ".Length..]))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer realm=\"https://accounts.google.com/\"";
            await RpcErrorAsync(context, 401, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.");
            return;
        }

        var path = context.Request.Path.Value!["/v1/".Length..];
        var colon = path.LastIndexOf(':');
        var name = colon > 0 ? path[..colon] : path;
        var verb = colon > 0 ? path[(colon + 1)..] : null;
        try
        {
            JsonObject answer;
            if (HttpMethods.IsGet(context.Request.Method) && verb is null)
            {
                Count("get");
                answer = _cryptoKeys.TryGetValue(name, out var key) ? key : throw NotFound(name);
            }
            else if (HttpMethods.IsPost(context.Request.Method) && verb is null && name.EndsWith("/cryptoKeys", StringComparison.Ordinal))
            {
                Count("create");
                answer = Create(name[..^"/cryptoKeys".Length], context.Request.Query["cryptoKeyId"].ToString(), await ReadAsync(context));
            }
            else if (HttpMethods.IsPost(context.Request.Method) && verb == "encrypt")
            {
                Count("encrypt");
                answer = Encrypt(name, await ReadAsync(context));
            }
            else if (HttpMethods.IsPost(context.Request.Method) && verb == "decrypt")
            {
                Count("decrypt");
                answer = Decrypt(name, await ReadAsync(context));
            }
            else
            {
                throw new RpcError(404, "NOT_FOUND", "Method not found.");
            }

            context.Response.ContentType = "application/json; charset=UTF-8";
            await context.Response.WriteAsync(answer.ToJsonString(), context.RequestAborted);
        }
        catch (RpcError error)
        {
            await RpcErrorAsync(context, error.Code, error.Status, error.Message);
        }
    }

    private JsonObject Create(string keyRing, string cryptoKeyId, JsonObject body)
    {
        if (!_keyRings.ContainsKey(keyRing))
        {
            throw NotFound(keyRing);
        }

        if (cryptoKeyId.Length is 0 or > 63 || !cryptoKeyId.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            throw new RpcError(400, "INVALID_ARGUMENT", "Invalid value for crypto_key_id: must match [a-zA-Z0-9_-]{1,63}.");
        }

        if (body["purpose"]?.GetValue<string>() != "ENCRYPT_DECRYPT")
        {
            throw new RpcError(400, "INVALID_ARGUMENT", "The stand-in creates ENCRYPT_DECRYPT keys only.");
        }

        var name = $"{keyRing}/cryptoKeys/{cryptoKeyId}";
        var protection = body["versionTemplate"]?["protectionLevel"]?.GetValue<string>() ?? "SOFTWARE";
        if (protection is not ("SOFTWARE" or "HSM"))
        {
            throw new RpcError(400, "INVALID_ARGUMENT", $"Invalid value at 'crypto_key.version_template.protection_level': \"{protection}\".");
        }

        var key = new JsonObject
        {
            ["name"] = name,
            ["primary"] = new JsonObject { ["name"] = name + "/cryptoKeyVersions/1", ["state"] = "ENABLED", ["protectionLevel"] = protection, ["algorithm"] = "GOOGLE_SYMMETRIC_ENCRYPTION" },
            ["purpose"] = "ENCRYPT_DECRYPT",
            ["createTime"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture),
            ["versionTemplate"] = new JsonObject { ["protectionLevel"] = protection, ["algorithm"] = "GOOGLE_SYMMETRIC_ENCRYPTION" },
        };
        foreach (var field in new[] { "rotationPeriod", "nextRotationTime", "labels" })
        {
            if (body[field] is { } value)
            {
                key[field] = value.DeepClone();
            }
        }

        if (!_cryptoKeys.TryAdd(name, key))
        {
            throw new RpcError(409, "ALREADY_EXISTS", $"CryptoKey {name} already exists.");
        }

        _material[name] = RandomNumberGenerator.GetBytes(32);
        return key;
    }

    private JsonObject Encrypt(string name, JsonObject body)
    {
        var material = _material.TryGetValue(name, out var m) ? m : throw NotFound(name);
        var plaintext = Bytes(body, "plaintext") ?? throw new RpcError(400, "INVALID_ARGUMENT", "Plaintext is required.");
        if (plaintext.Length > 64 * 1024)
        {
            throw new RpcError(400, "INVALID_ARGUMENT", "The request payload exceeds the maximum size of 65536 bytes.");
        }

        var aad = Bytes(body, "additionalAuthenticatedData") ?? [];
        var nameHash = SHA256.HashData(Encoding.UTF8.GetBytes(name));
        var ciphertext = new byte[32 + 12 + plaintext.Length + 16];
        nameHash.CopyTo(ciphertext, 0);
        RandomNumberGenerator.Fill(ciphertext.AsSpan(32, 12));
        using (var gcm = new AesGcm(material, 16))
        {
            gcm.Encrypt(ciphertext.AsSpan(32, 12), plaintext, ciphertext.AsSpan(44, plaintext.Length), ciphertext.AsSpan(ciphertext.Length - 16), aad);
        }

        return new JsonObject
        {
            ["name"] = name + "/cryptoKeyVersions/1",
            ["ciphertext"] = Convert.ToBase64String(ciphertext),
            ["verifiedPlaintextCrc32c"] = false,
            ["verifiedAdditionalAuthenticatedDataCrc32c"] = false,
            ["protectionLevel"] = _cryptoKeys[name]["versionTemplate"]!["protectionLevel"]!.GetValue<string>(),
        };
    }

    private JsonObject Decrypt(string name, JsonObject body)
    {
        var material = _material.TryGetValue(name, out var m) ? m : throw NotFound(name);
        var ciphertext = Bytes(body, "ciphertext") ?? throw new RpcError(400, "INVALID_ARGUMENT", "Ciphertext is required.");
        var aad = Bytes(body, "additionalAuthenticatedData") ?? [];
        var invalid = new RpcError(400, "INVALID_ARGUMENT", "Decryption failed: the ciphertext is invalid.");
        if (ciphertext.Length < 32 + 12 + 16 || !ciphertext.AsSpan(0, 32).SequenceEqual(SHA256.HashData(Encoding.UTF8.GetBytes(name))))
        {
            throw invalid;
        }

        var plaintext = new byte[ciphertext.Length - 60];
        try
        {
            using var gcm = new AesGcm(material, 16);
            gcm.Decrypt(ciphertext.AsSpan(32, 12), ciphertext.AsSpan(44, plaintext.Length), ciphertext.AsSpan(ciphertext.Length - 16), plaintext, aad);
        }
        catch (AuthenticationTagMismatchException)
        {
            throw invalid;
        }

        return new JsonObject { ["plaintext"] = Convert.ToBase64String(plaintext), ["usedPrimary"] = true, ["protectionLevel"] = "SOFTWARE" };
    }

    private void Count(string method) => _calls.AddOrUpdate(method, 1, (_, count) => count + 1);

    private static async Task<JsonObject> ReadAsync(HttpContext context)
    {
        try
        {
            return await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted) as JsonObject ?? throw new JsonException();
        }
        catch (JsonException)
        {
            throw new RpcError(400, "INVALID_ARGUMENT", "Invalid JSON payload received.");
        }
    }

    private static byte[]? Bytes(JsonObject body, string field)
    {
        if (body[field]?.GetValue<string>() is not { } text)
        {
            return null;
        }

        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw new RpcError(400, "INVALID_ARGUMENT", $"Invalid value at '{field}' (TYPE_BYTES), Base64 decoding failed.");
        }
    }

    private static RpcError NotFound(string name) => new(404, "NOT_FOUND", $"{(name.Contains("/cryptoKeys/", StringComparison.Ordinal) ? "CryptoKey" : "KeyRing")} {name} not found.");

    private static Task RpcErrorAsync(HttpContext context, int code, string status, string message)
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = "application/json; charset=UTF-8";
        var body = new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = message, ["status"] = status } };
        return context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }

    private sealed class RpcError(int code, string status, string message) : Exception(message)
    {
        public int Code { get; } = code;

        public string Status { get; } = status;
    }
}
