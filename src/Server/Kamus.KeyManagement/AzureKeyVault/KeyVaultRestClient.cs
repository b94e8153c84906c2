using System.Buffers;
using System.Buffers.Text;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;

namespace Kamus.KeyManagement.AzureKeyVault;

/// <summary>
/// The few Key Vault key operations Kamus needs, on the REST API (<c>api-version=7.4</c>) through Azure.Core's
/// pipeline, which adds retries (408, 429 with <c>Retry-After</c>, 5xx, network errors), a per-try timeout and
/// redacted diagnostics; <see cref="KeyVaultBearerPolicy"/> adds the bearer token. Failures are
/// <see cref="KeyVaultRequestException"/>; nothing here logs or keeps a value.
/// </summary>
internal sealed class KeyVaultRestClient
{
    /// <summary>The REST API version used.</summary>
    public const string ApiVersion = "7.4";

    private readonly HttpPipeline _pipeline;
    private readonly Uri _vault;

    public KeyVaultRestClient(Uri vault, KeyVaultBearerPolicy authentication, ClientOptions options)
    {
        _vault = vault;
        _pipeline = HttpPipelineBuilder.Build(options, [], [authentication], new ResponseClassifier());
    }

    /// <summary>The vault's base URL.</summary>
    public Uri Vault => _vault;

    /// <summary>The current version of key <paramref name="name"/>, or <see langword="null"/> when the vault has no such key.</summary>
    public async ValueTask<KeyVaultKey?> GetKeyAsync(string name, CancellationToken cancellationToken)
    {
        using var message = CreateMessage(RequestMethod.Get, name, null, null);
        using var document = await SendAsync(message, "get", name, notFoundIsNull: true, cancellationToken).ConfigureAwait(false);
        return document is null ? null : KeyVaultKey.Read(name, document.RootElement);
    }

    /// <summary>Creates key <paramref name="name"/> (or a new version of it): <paramref name="keyType"/> <c>RSA</c> or <c>RSA-HSM</c>.</summary>
    public async ValueTask<KeyVaultKey> CreateKeyAsync(string name, string keyType, int keySize, CancellationToken cancellationToken)
    {
        var body = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(body))
        {
            writer.WriteStartObject();
            writer.WriteString("kty", keyType);
            writer.WriteNumber("key_size", keySize);
            writer.WriteStartArray("key_ops");
            foreach (var operation in (ReadOnlySpan<string>)["encrypt", "decrypt", "wrapKey", "unwrapKey"])
            {
                writer.WriteStringValue(operation);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        using var message = CreateMessage(RequestMethod.Post, name, null, "create");
        message.Request.Content = RequestContent.Create(body.WrittenMemory);
        using var document = await SendAsync(message, "create", name, notFoundIsNull: false, cancellationToken).ConfigureAwait(false);
        return KeyVaultKey.Read(name, document!.RootElement);
    }

    /// <summary>
    /// Runs <paramref name="operation"/> (<c>decrypt</c> or <c>unwrapkey</c>) with <paramref name="algorithm"/> on
    /// <paramref name="value"/> under key <paramref name="name"/>, at <paramref name="version"/> or the current version.
    /// The caller zeroes the result.
    /// </summary>
    public async ValueTask<byte[]> KeyOperationAsync(string name, string? version, string operation, string algorithm, ReadOnlyMemory<byte> value, CancellationToken cancellationToken)
    {
        var body = new ArrayBufferWriter<byte>(64 + Base64Url.GetEncodedLength(value.Length));
        using (var writer = new Utf8JsonWriter(body))
        {
            writer.WriteStartObject();
            writer.WriteString("alg", algorithm);
            writer.WriteString("value", Base64Url.EncodeToString(value.Span));
            writer.WriteEndObject();
        }

        using var message = CreateMessage(RequestMethod.Post, name, version, operation);
        message.Request.Content = RequestContent.Create(body.WrittenMemory);
        using var document = await SendAsync(message, operation, name, notFoundIsNull: false, cancellationToken).ConfigureAwait(false);
        try
        {
            return document!.RootElement.TryGetProperty("value", out var result) && result.ValueKind == JsonValueKind.String
                ? DecodeBase64Url(result)
                : throw new KeyVaultRequestException(200, null, $"Key Vault {operation} on key '{name}' answered without a value");
        }
        finally
        {
            ZeroResponse(message);
        }
    }

    private HttpMessage CreateMessage(RequestMethod method, string name, string? version, string? operation)
    {
        var message = _pipeline.CreateMessage();
        var request = message.Request;
        request.Method = method;
        request.Uri.Reset(_vault);
        request.Uri.AppendPath("/keys/", escape: false);
        request.Uri.AppendPath(name, escape: true);
        if (version is not null)
        {
            request.Uri.AppendPath("/", escape: false);
            request.Uri.AppendPath(version, escape: true);
        }

        if (operation is not null)
        {
            request.Uri.AppendPath("/", escape: false);
            request.Uri.AppendPath(operation, escape: false);
        }

        request.Uri.AppendQuery("api-version", ApiVersion);
        request.Headers.Add(HttpHeader.Names.Accept, "application/json");
        if (method == RequestMethod.Post)
        {
            request.Headers.Add(HttpHeader.Names.ContentType, "application/json");
        }

        return message;
    }

    private async ValueTask<JsonDocument?> SendAsync(HttpMessage message, string operation, string name, bool notFoundIsNull, CancellationToken cancellationToken)
    {
        try
        {
            await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RequestFailedException or AggregateException)
        {
            // Azure.Core's retry policy throws an AggregateException of each try's failure once the retries run out.
            var cause = e is AggregateException all ? all.InnerExceptions[^1] : e;
            throw new KeyVaultRequestException(0, null, $"Key Vault {operation} on key '{name}' at {_vault} could not be reached: {cause.InnerException?.GetType().Name ?? cause.GetType().Name}", e);
        }
        catch (AuthenticationFailedException e)
        {
            // Azure.Identity's messages name the credential and Entra ID's AADSTS reason, never the secret.
            var reason = FirstLine(e.Message).TrimEnd(' ', ':', '.') + (e.InnerException is { } inner ? ": " + FirstLine(inner.Message) : string.Empty);
            throw new KeyVaultRequestException(0, null, $"Key Vault {operation} on key '{name}': no token: {reason}", e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new KeyVaultRequestException(0, null, $"Key Vault {operation} on key '{name}' at {_vault} timed out", e);
        }

        var response = message.Response;
        if (response.Status == 404 && notFoundIsNull)
        {
            return null;
        }

        if (response.Status is < 200 or > 299)
        {
            var (code, reason) = ReadError(response);
            throw new KeyVaultRequestException(response.Status, code, $"Key Vault {operation} on key '{name}' at {_vault} answered {response.Status} {code ?? response.ReasonPhrase}{(reason is null ? "" : ": " + reason)}");
        }

        try
        {
            return JsonDocument.Parse(response.Content.ToMemory());
        }
        catch (JsonException e)
        {
            throw new KeyVaultRequestException(response.Status, null, $"Key Vault {operation} on key '{name}' answered a body that is not JSON", e);
        }
    }

    // {"error":{"code":"KeyNotFound","message":"..."}}: Key Vault's messages name keys, vaults and permissions, never values.
    private static (string? Code, string? Message) ReadError(Response response)
    {
        try
        {
            using var document = JsonDocument.Parse(response.Content.ToMemory());
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                var code = error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
                var text = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
                return (code, text is { Length: > 300 } ? text[..300] + "..." : text);
            }
        }
        catch (JsonException)
        {
        }

        return (null, null);
    }

    private static string FirstLine(string text)
    {
        var end = text.IndexOfAny(['\r', '\n']);
        var line = end < 0 ? text : text[..end];
        return line.Length > 300 ? line[..300] + "..." : line;
    }

    // Straight from the response's UTF-8 bytes (base64url has nothing to unescape): the key never becomes a string,
    // which could not be zeroed.
    private static byte[] DecodeBase64Url(JsonElement element)
    {
        var raw = JsonMarshal.GetRawUtf8Value(element)[1..^1];
        var result = new byte[Base64Url.GetMaxDecodedLength(raw.Length)];
        if (Base64Url.DecodeFromUtf8(raw, result, out _, out var written) != OperationStatus.Done)
        {
            CryptographicOperations.ZeroMemory(result);
            throw new KeyVaultRequestException(200, null, "Key Vault answered a value that is not base64url");
        }

        if (written == result.Length)
        {
            return result;
        }

        var exact = result[..written];
        CryptographicOperations.ZeroMemory(result);
        return exact;
    }

    // The response of a decrypt holds key material: clear the pipeline's buffer once it has been read.
    private static void ZeroResponse(HttpMessage message)
    {
        if (message.HasResponse && message.Response.ContentStream is MemoryStream { } buffer && buffer.TryGetBuffer(out var bytes))
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }
}
