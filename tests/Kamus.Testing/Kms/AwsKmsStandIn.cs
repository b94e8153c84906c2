using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Kamus.Testing.Kms;

/// <summary>
/// An AWS KMS stand-in on loopback speaking the real wire protocol: AWS JSON 1.1 (<c>POST /</c>,
/// <c>Content-Type: application/x-amz-json-1.1</c>, <c>X-Amz-Target: TrentService.&lt;Operation&gt;</c>), requests signed
/// with Signature Version 4 by one access key (the signature is recomputed and checked), and AWS error bodies
/// (<c>{"__type":"NotFoundException","message":...}</c> with HTTP 400, <c>KMSInternalException</c> with HTTP 500).
/// </summary>
/// <remarks>
/// Modelled: <c>CreateKey</c>, <c>CreateAlias</c> (with <c>AlreadyExistsException</c> and alias-name rules),
/// <c>EnableKeyRotation</c>, <c>DescribeKey</c>, <c>GenerateDataKey</c>, <c>Encrypt</c> and <c>Decrypt</c>; a key named by
/// id, ARN or alias; encryption context bound to the ciphertext (<c>InvalidCiphertextException</c> when it differs);
/// <c>Decrypt</c> with a <c>KeyId</c> that is not the ciphertext's key (<c>IncorrectKeyException</c>); missing keys and
/// aliases (<c>NotFoundException</c>); <c>ScheduleKeyDeletion</c> (7 to 30 days), after which the key is
/// <c>PendingDeletion</c> and every use answers <c>KMSInvalidStateException</c>; a deletion whose waiting period ended
/// (<see cref="DeleteKey"/>: the key and its aliases are gone); another replica winning an alias
/// (<see cref="AnotherReplicaWinsNextAlias"/>); a role without <c>kms:ScheduleKeyDeletion</c>
/// (<see cref="DenyScheduleKeyDeletion"/>: <c>AccessDeniedException</c>); outages (<see cref="Failure"/>).
/// Not modelled: key policies and IAM beyond that (every signed request by the access key is allowed), grants, key
/// states other than enabled and pending deletion, rotation itself (it is only recorded), asymmetric keys, multi-region
/// keys, and the real ciphertext blob layout (blobs here are opaque: a version byte, the key id, and AES-256-GCM under
/// that key's material).
/// </remarks>
public sealed class AwsKmsStandIn : IAsyncDisposable
{
    /// <summary>The access key id the stand-in accepts (public test data).</summary>
    public const string AccessKeyId = "AKIAKAMUSSTANDIN0001";

    /// <summary>The secret key the stand-in verifies signatures with (public test data, not a real credential).</summary>
    public const string SecretAccessKey = "kamus/stand-in/secret/not-a-real-aws-key";

    /// <summary>The account id in key ARNs.</summary>
    public const string AccountId = "111122223333";

    private const int KeyIdLength = 36;
    private readonly ConcurrentDictionary<string, StandInKey> _keys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _aliases = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);
    private readonly AwsStsStandIn _sts = new();
    private int _callsBySessions;
    private readonly LoopbackStandInHost _host;

    private AwsKmsStandIn(LoopbackStandInHost host, string region)
    {
        _host = host;
        Region = region;
    }

    /// <summary>The endpoint, <c>http://127.0.0.1:port/</c>, for <c>KeyManagement:AwsKms:ServiceUrl</c>.</summary>
    public Uri Url => _host.Url;

    /// <summary>The region requests must be signed for.</summary>
    public string Region { get; }

    /// <summary>Makes every KMS call fail. Settable at any time.</summary>
    public KmsStandInFailure Failure { get; set; }

    /// <summary>Alias name → key id.</summary>
    public IReadOnlyDictionary<string, string> Aliases => _aliases;

    /// <summary>
    /// When set, the next <c>CreateAlias</c> finds that another replica created the alias first, naming a key of its own
    /// (as two replicas racing to create an account's key do), and answers <c>AlreadyExistsException</c>. It then clears.
    /// </summary>
    public bool AnotherReplicaWinsNextAlias { get; set; }

    /// <summary>When set, <c>ScheduleKeyDeletion</c> answers <c>AccessDeniedException</c>, as for a role without that permission.</summary>
    public bool DenyScheduleKeyDeletion { get; set; }

    /// <summary>The ids of the keys whose deletion is scheduled.</summary>
    public IReadOnlyList<string> KeysPendingDeletion => [.. _keys.Values.Where(k => k.DeletionDate is not null).Select(k => k.Id)];

    /// <summary>How many keys exist (pending deletion included).</summary>
    public int KeyCount => _keys.Count;

    /// <summary>Starts a stand-in on 127.0.0.1 and a free port that accepts requests signed for <paramref name="region"/>.</summary>
    public static async Task<AwsKmsStandIn> StartAsync(string region = "eu-west-1", CancellationToken cancellationToken = default)
    {
        AwsKmsStandIn? standIn = null;
        var host = await LoopbackStandInHost.StartAsync(app => app.MapPost("/", context => standIn!.HandleAsync(context)), cancellationToken);
        standIn = new AwsKmsStandIn(host, region);
        return standIn;
    }

    /// <summary>How many calls of <paramref name="operation"/> (for example <c>Decrypt</c>) arrived, failed ones included.</summary>
    public int Calls(string operation) => _calls.TryGetValue(operation, out var count) ? count : 0;

    /// <summary>
    /// Also answers STS <c>AssumeRoleWithWebIdentity</c> (AWS's Query protocol, form-encoded <c>POST /</c>) for
    /// <paramref name="roleArn"/> and the service-account token <paramref name="webIdentityToken"/>, as IRSA does: the
    /// temporary credentials it issues (with a session token) then sign KMS calls. Point the SDK at it with
    /// <c>AWS_ENDPOINT_URL_STS</c>.
    /// </summary>
    public void AllowWebIdentity(string roleArn, string webIdentityToken) => _sts.Allow(roleArn, webIdentityToken);

    /// <summary>How many sessions STS issued, and how many KMS calls were signed by one of them.</summary>
    public (int Issued, int KmsCallsSigned) WebIdentitySessions => (_sts.Issued, Volatile.Read(ref _callsBySessions));

    /// <summary>Resets <see cref="Calls"/>.</summary>
    public void ResetCalls() => _calls.Clear();

    /// <summary>Whether rotation was enabled on the key an alias names.</summary>
    public bool RotationEnabled(string aliasName) =>
        _aliases.TryGetValue(aliasName, out var keyId) && _keys[keyId].RotationEnabled;

    /// <summary>The description a key was created with.</summary>
    public string? Description(string aliasName) =>
        _aliases.TryGetValue(aliasName, out var keyId) ? _keys[keyId].Description : null;

    /// <summary>
    /// Deletes the key <paramref name="aliasName"/> names, as when the waiting period of a <c>ScheduleKeyDeletion</c>
    /// ends: the key and every alias naming it are gone, so calls naming the alias answer <c>NotFoundException</c>.
    /// </summary>
    public void DeleteKey(string aliasName)
    {
        var keyId = _aliases[aliasName];
        foreach (var alias in _aliases.Where(pair => pair.Value == keyId).Select(pair => pair.Key).ToList())
        {
            _aliases.TryRemove(alias, out _);
        }

        _keys.TryRemove(keyId, out _);
    }

    /// <summary>Stops and disposes the stand-in.</summary>
    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        foreach (var key in _keys.Values)
        {
            CryptographicOperations.ZeroMemory(key.Material);
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var target = context.Request.Headers["X-Amz-Target"].ToString();
        const string Service = "TrentService.";
        var operation = target.StartsWith(Service, StringComparison.Ordinal) ? target[Service.Length..] : string.Empty;
        _calls.AddOrUpdate(operation, 1, (_, count) => count + 1);
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        var body = buffer.ToArray();
        if (await Failure.TryFailAsync(context, c => ErrorAsync(c, 500, "KMSInternalException", "The request was rejected because an internal exception occurred. The request can be retried.")))
        {
            return;
        }

        if (context.Request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.Ordinal) == true)
        {
            await _sts.HandleAsync(context, body);
            return;
        }

        if (!context.Request.ContentType?.StartsWith("application/x-amz-json-1.1", StringComparison.Ordinal) ?? true)
        {
            await ErrorAsync(context, 400, "SerializationException", "Content-Type must be application/x-amz-json-1.1.");
            return;
        }

        if (SigV4Verifier.Verify(context.Request, body, SecretOf, Region, "kms") is { } authError)
        {
            await ErrorAsync(context, authError.Code == "MissingAuthenticationTokenException" ? 403 : 400, authError.Code, authError.Message);
            return;
        }

        JsonObject request;
        try
        {
            request = JsonNode.Parse(body.Length == 0 ? "{}"u8 : body) as JsonObject ?? throw new JsonException();
        }
        catch (JsonException)
        {
            await ErrorAsync(context, 400, "SerializationException", "Start of structure or map found where not expected.");
            return;
        }

        try
        {
            var answer = operation switch
            {
                "CreateKey" => CreateKey(request),
                "CreateAlias" => CreateAlias(request),
                "EnableKeyRotation" => EnableKeyRotation(request),
                "ScheduleKeyDeletion" => ScheduleKeyDeletion(request),
                "DescribeKey" => new JsonObject { ["KeyMetadata"] = Metadata(Resolve(Text(request, "KeyId"))) },
                "GenerateDataKey" => GenerateDataKey(request),
                "Encrypt" => Encrypt(request),
                "Decrypt" => Decrypt(request),
                _ => throw new KmsError(400, "UnknownOperationException", string.Empty),
            };
            context.Response.ContentType = "application/x-amz-json-1.1";
            context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
            await context.Response.WriteAsync(answer?.ToJsonString() ?? string.Empty, context.RequestAborted);
        }
        catch (KmsError error)
        {
            await ErrorAsync(context, error.Status, error.Code, error.Message);
        }
    }

    private JsonObject CreateKey(JsonObject request)
    {
        var spec = request["KeySpec"]?.GetValue<string>() ?? "SYMMETRIC_DEFAULT";
        var usage = request["KeyUsage"]?.GetValue<string>() ?? "ENCRYPT_DECRYPT";
        if (spec != "SYMMETRIC_DEFAULT" || usage != "ENCRYPT_DECRYPT")
        {
            throw new KmsError(400, "UnsupportedOperationException", "The stand-in creates symmetric encryption keys only.");
        }

        var key = new StandInKey(Guid.NewGuid().ToString(), RandomNumberGenerator.GetBytes(32), request["Description"]?.GetValue<string>() ?? string.Empty, DateTimeOffset.UtcNow);
        _keys[key.Id] = key;
        return new JsonObject { ["KeyMetadata"] = Metadata(key) };
    }

    private JsonObject? CreateAlias(JsonObject request)
    {
        var alias = Text(request, "AliasName");
        if (!alias.StartsWith("alias/", StringComparison.Ordinal) || alias.StartsWith("alias/aws/", StringComparison.Ordinal) || alias.Length > 256
            || !alias.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '_' or '-'))
        {
            throw new KmsError(400, "ValidationException", $"1 validation error detected: Value '{alias}' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$");
        }

        var key = Resolve(Text(request, "TargetKeyId"));
        if (AnotherReplicaWinsNextAlias)
        {
            AnotherReplicaWinsNextAlias = false;
            var winner = new StandInKey(Guid.NewGuid().ToString(), RandomNumberGenerator.GetBytes(32), key.Description, DateTimeOffset.UtcNow);
            _keys[winner.Id] = winner;
            _aliases.TryAdd(alias, winner.Id);
        }

        if (!_aliases.TryAdd(alias, key.Id))
        {
            throw new KmsError(400, "AlreadyExistsException", $"An alias with the name {AliasArn(alias)} already exists");
        }

        return null;
    }

    private JsonObject? EnableKeyRotation(JsonObject request)
    {
        Usable(Text(request, "KeyId")).RotationEnabled = true;
        return null;
    }

    private JsonObject ScheduleKeyDeletion(JsonObject request)
    {
        if (DenyScheduleKeyDeletion)
        {
            throw new KmsError(400, "AccessDeniedException", $"User: arn:aws:iam::{AccountId}:user/kamus is not authorized to perform: kms:ScheduleKeyDeletion on this resource because no identity-based policy allows the kms:ScheduleKeyDeletion action");
        }

        var days = request["PendingWindowInDays"]?.GetValue<int>() ?? 30;
        if (days is < 7 or > 30)
        {
            throw new KmsError(400, "ValidationException", $"1 validation error detected: Value '{days}' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value between 7 and 30");
        }

        var key = Usable(Text(request, "KeyId"));
        key.DeletionDate = DateTimeOffset.UtcNow.AddDays(days);
        return new JsonObject
        {
            ["KeyId"] = KeyArn(key.Id),
            ["DeletionDate"] = key.DeletionDate.Value.ToUnixTimeSeconds(),
            ["KeyState"] = "PendingDeletion",
            ["PendingWindowInDays"] = days,
        };
    }

    private JsonObject GenerateDataKey(JsonObject request)
    {
        var key = Usable(Text(request, "KeyId"));
        var size = request["KeySpec"]?.GetValue<string>() switch
        {
            "AES_256" => 32,
            "AES_128" => 16,
            null => request["NumberOfBytes"]?.GetValue<int>() ?? throw new KmsError(400, "ValidationException", "Please specify either number of bytes or key spec."),
            _ => throw new KmsError(400, "ValidationException", "Value at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: [AES_256, AES_128]"),
        };
        var plaintext = RandomNumberGenerator.GetBytes(size);
        return new JsonObject
        {
            ["CiphertextBlob"] = Convert.ToBase64String(Seal(key, plaintext, Context(request))),
            ["Plaintext"] = Convert.ToBase64String(plaintext),
            ["KeyId"] = KeyArn(key.Id),
        };
    }

    private JsonObject Encrypt(JsonObject request)
    {
        var key = Usable(Text(request, "KeyId"));
        var plaintext = Convert.FromBase64String(Text(request, "Plaintext"));
        if (plaintext.Length is 0 or > 4096)
        {
            throw new KmsError(400, "ValidationException", "Value at 'plaintext' failed to satisfy constraint: Member must have length between 1 and 4096");
        }

        return new JsonObject
        {
            ["CiphertextBlob"] = Convert.ToBase64String(Seal(key, plaintext, Context(request))),
            ["KeyId"] = KeyArn(key.Id),
            ["EncryptionAlgorithm"] = "SYMMETRIC_DEFAULT",
        };
    }

    private JsonObject Decrypt(JsonObject request)
    {
        // KMS resolves a requested KeyId first: an alias that does not exist is NotFoundException whatever the blob.
        var requested = request["KeyId"] is null ? null : Resolve(Text(request, "KeyId"));
        var blob = Convert.FromBase64String(Text(request, "CiphertextBlob"));
        if (blob.Length < 1 + KeyIdLength + 28 || blob[0] != 1
            || !_keys.TryGetValue(Encoding.ASCII.GetString(blob, 1, KeyIdLength), out var key))
        {
            throw new KmsError(400, "InvalidCiphertextException", string.Empty);
        }

        if (requested is not null && requested.Id != key.Id)
        {
            throw new KmsError(400, "IncorrectKeyException", "The key ID in the request does not identify a CMK that can perform this operation.");
        }

        Usable(key.Id);

        var aad = Context(request);
        var nonce = blob.AsSpan(1 + KeyIdLength, 12);
        var sealedPart = blob.AsSpan(1 + KeyIdLength + 12);
        var plaintext = new byte[sealedPart.Length - 16];
        try
        {
            using var gcm = new AesGcm(key.Material, 16);
            gcm.Decrypt(nonce, sealedPart[..^16], sealedPart[^16..], plaintext, aad);
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new KmsError(400, "InvalidCiphertextException", string.Empty);
        }

        return new JsonObject
        {
            ["KeyId"] = KeyArn(key.Id),
            ["Plaintext"] = Convert.ToBase64String(plaintext),
            ["EncryptionAlgorithm"] = "SYMMETRIC_DEFAULT",
        };
    }

    private static byte[] Seal(StandInKey key, byte[] plaintext, byte[] aad)
    {
        var blob = new byte[1 + KeyIdLength + 12 + plaintext.Length + 16];
        blob[0] = 1;
        Encoding.ASCII.GetBytes(key.Id, blob.AsSpan(1));
        var nonce = blob.AsSpan(1 + KeyIdLength, 12);
        RandomNumberGenerator.Fill(nonce);
        using var gcm = new AesGcm(key.Material, 16);
        gcm.Encrypt(nonce, plaintext, blob.AsSpan(1 + KeyIdLength + 12, plaintext.Length), blob.AsSpan(blob.Length - 16), aad);
        return blob;
    }

    // The encryption context, canonical (sorted by key), as the associated data of the blob.
    private static byte[] Context(JsonObject request) =>
        request["EncryptionContext"] is JsonObject context
            ? Encoding.UTF8.GetBytes(string.Join('\n', context.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => $"{pair.Key}={pair.Value!.GetValue<string>()}")))
            : [];

    private (string Secret, string? SessionToken)? SecretOf(string accessKeyId)
    {
        if (accessKeyId == AccessKeyId)
        {
            return (SecretAccessKey, null);
        }

        if (_sts.Session(accessKeyId) is { } session)
        {
            Interlocked.Increment(ref _callsBySessions);
            return session;
        }

        return null;
    }

    private StandInKey Resolve(string keyId)
    {
        var id = keyId;
        if (keyId.StartsWith("alias/", StringComparison.Ordinal) || keyId.Contains(":alias/", StringComparison.Ordinal))
        {
            var alias = keyId[keyId.IndexOf("alias/", StringComparison.Ordinal)..];
            if (!_aliases.TryGetValue(alias, out id!))
            {
                throw new KmsError(400, "NotFoundException", $"Alias {AliasArn(alias)} is not found.");
            }
        }
        else if (keyId.StartsWith("arn:", StringComparison.Ordinal))
        {
            id = keyId[(keyId.LastIndexOf('/') + 1)..];
        }

        return _keys.TryGetValue(id, out var key) ? key : throw new KmsError(400, "NotFoundException", $"Key '{KeyArn(id)}' does not exist");
    }

    // A key that exists and is not pending deletion (which KMS refuses for every cryptographic operation).
    private StandInKey Usable(string keyId)
    {
        var key = Resolve(keyId);
        return key.DeletionDate is null ? key : throw new KmsError(400, "KMSInvalidStateException", $"{KeyArn(key.Id)} is pending deletion.");
    }

    private JsonObject Metadata(StandInKey key) => new()
    {
        ["AWSAccountId"] = AccountId,
        ["Arn"] = KeyArn(key.Id),
        ["CreationDate"] = key.Created.ToUnixTimeSeconds(),
        ["CustomerMasterKeySpec"] = "SYMMETRIC_DEFAULT",
        ["Description"] = key.Description,
        ["Enabled"] = key.DeletionDate is null,
        ["EncryptionAlgorithms"] = new JsonArray("SYMMETRIC_DEFAULT"),
        ["KeyId"] = key.Id,
        ["KeyManager"] = "CUSTOMER",
        ["KeySpec"] = "SYMMETRIC_DEFAULT",
        ["KeyState"] = key.DeletionDate is null ? "Enabled" : "PendingDeletion",
        ["KeyUsage"] = "ENCRYPT_DECRYPT",
        ["MultiRegion"] = false,
        ["Origin"] = "AWS_KMS",
    };

    private string KeyArn(string id) => $"arn:aws:kms:{Region}:{AccountId}:key/{id}";

    private string AliasArn(string alias) => $"arn:aws:kms:{Region}:{AccountId}:{alias}";

    private static string Text(JsonObject request, string name) =>
        request[name]?.GetValue<string>() is { Length: > 0 } value
            ? value
            : throw new KmsError(400, "ValidationException", $"1 validation error detected: Value null at '{char.ToLowerInvariant(name[0])}{name[1..]}' failed to satisfy constraint: Member must not be null");

    private static Task ErrorAsync(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/x-amz-json-1.1";
        context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        context.Response.Headers["x-amzn-ErrorType"] = code;
        var body = new JsonObject { ["__type"] = code };
        if (message.Length > 0)
        {
            body["message"] = message;
        }

        return context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }

    private sealed class StandInKey(string id, byte[] material, string description, DateTimeOffset created)
    {
        public string Id { get; } = id;

        public byte[] Material { get; } = material;

        public string Description { get; } = description;

        public DateTimeOffset Created { get; } = created;

        public bool RotationEnabled { get; set; }

        public DateTimeOffset? DeletionDate { get; set; }
    }

    private sealed class KmsError(int status, string code, string message) : Exception(message)
    {
        public int Status { get; } = status;

        public string Code { get; } = code;
    }
}
