using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Google.Apis.Auth.OAuth2;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Kamus.KeyManagement.GoogleKms;

/// <summary>
/// The smallest Cloud KMS REST v1 client Kamus needs (<c>Google.Cloud.Kms.V1</c> is not available here): create a
/// CryptoKey, encrypt, decrypt. REST carries the same ciphertext bytes as upstream's gRPC calls. Bearer tokens come
/// from a Google.Apis.Auth credential; each call has a per-attempt timeout and retries 429, 5xx, connection failures and
/// timeouts (Polly). Request and response buffers that held key bytes are zeroed; JSON is read and written with
/// System.Text.Json's reader and writer (no reflection).
/// </summary>
internal sealed class GoogleKmsRestClient : IDisposable
{
    private static readonly HttpStatusCode[] Transient =
        [HttpStatusCode.TooManyRequests, HttpStatusCode.InternalServerError, HttpStatusCode.BadGateway, HttpStatusCode.ServiceUnavailable, HttpStatusCode.GatewayTimeout];

    private readonly HttpClient _http;
    private readonly Uri _endpoint;
    private readonly ITokenAccess _credential;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    /// <summary>Creates the client; <paramref name="handler"/> is owned by it.</summary>
    public GoogleKmsRestClient(Uri endpoint, ITokenAccess credential, TimeSpan attemptTimeout, HttpMessageHandler handler)
    {
        _endpoint = endpoint.AbsoluteUri.EndsWith('/') ? endpoint : new Uri(endpoint.AbsoluteUri + "/");
        _credential = credential;
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("kamus-dotnet", "1.0"));
        _pipeline = new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = 3,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(200),
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>()
                    .HandleResult(response => Transient.Contains(response.StatusCode)),
                OnRetry = args =>
                {
                    args.Outcome.Result?.Dispose();
                    return default;
                },
            })
            .AddTimeout(attemptTimeout)
            .Build();
    }

    /// <summary>Creates CryptoKey <paramref name="cryptoKeyId"/> in <paramref name="keyRing"/> (<c>projects/.../keyRings/...</c>).</summary>
    public async Task CreateCryptoKeyAsync(string keyRing, string cryptoKeyId, string protectionLevel, TimeSpan? rotationPeriod, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var body = Json(writer =>
        {
            writer.WriteString("purpose", "ENCRYPT_DECRYPT");
            writer.WriteStartObject("versionTemplate");
            writer.WriteString("protectionLevel", protectionLevel);
            writer.WriteString("algorithm", "GOOGLE_SYMMETRIC_ENCRYPTION");
            writer.WriteEndObject();
            if (rotationPeriod is { } period)
            {
                writer.WriteString("rotationPeriod", ((long)period.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s");
                writer.WriteString("nextRotationTime", (now + period).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            }
        });
        var answer = await SendAsync(HttpMethod.Post, $"v1/{keyRing}/cryptoKeys?cryptoKeyId={Uri.EscapeDataString(cryptoKeyId)}", body, cancellationToken).ConfigureAwait(false);
        CryptographicOperations.ZeroMemory(answer);
    }

    /// <summary>Encrypts with CryptoKey <paramref name="cryptoKey"/>'s primary version; returns the ciphertext.</summary>
    public Task<byte[]> EncryptAsync(string cryptoKey, ReadOnlyMemory<byte> plaintext, ReadOnlyMemory<byte> additionalData, CancellationToken cancellationToken) =>
        CryptAsync(cryptoKey, "encrypt", "plaintext", plaintext, additionalData, "ciphertext"u8.ToArray(), cancellationToken);

    /// <summary>Decrypts a ciphertext of CryptoKey <paramref name="cryptoKey"/>; returns the plaintext (the caller zeroes it).</summary>
    public Task<byte[]> DecryptAsync(string cryptoKey, ReadOnlyMemory<byte> ciphertext, ReadOnlyMemory<byte> additionalData, CancellationToken cancellationToken) =>
        CryptAsync(cryptoKey, "decrypt", "ciphertext", ciphertext, additionalData, "plaintext"u8.ToArray(), cancellationToken);

    /// <summary>Releases the HTTP client.</summary>
    public void Dispose() => _http.Dispose();

    // POST {cryptoKey}:{verb} with {"<input>": b64, "additionalAuthenticatedData": b64}; answers the <output> field's bytes.
    private async Task<byte[]> CryptAsync(string cryptoKey, string verb, string input, ReadOnlyMemory<byte> data, ReadOnlyMemory<byte> additionalData, byte[] output, CancellationToken cancellationToken)
    {
        var body = Json(writer =>
        {
            writer.WriteBase64String(input, data.Span);
            if (!additionalData.IsEmpty)
            {
                writer.WriteBase64String("additionalAuthenticatedData", additionalData.Span);
            }
        });
        return ReadBytes(await SendAsync(HttpMethod.Post, $"v1/{cryptoKey}:{verb}", body, cancellationToken).ConfigureAwait(false), output);
    }

    // Sends body (zeroed afterwards) and returns the answer's bytes (the caller zeroes them), or throws on an error status.
    private async Task<byte[]> SendAsync(HttpMethod method, string path, byte[] body, CancellationToken cancellationToken)
    {
        try
        {
            var uri = new Uri(_endpoint, path);
            using var response = await _pipeline.ExecuteAsync(
                async token =>
                {
                    using var request = new HttpRequestMessage(method, uri) { Content = new ByteArrayContent(body) };
                    request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                    var accessToken = await _credential.GetAccessTokenForRequestAsync(uri.AbsoluteUri, token).ConfigureAwait(false);
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
                    return await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, token).ConfigureAwait(false);
                },
                cancellationToken).ConfigureAwait(false);
            var answer = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return answer;
            }

            throw Error((int)response.StatusCode, answer);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(body);
        }
    }

    private static byte[] Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        var body = buffer.WrittenSpan.ToArray();
        buffer.Clear(); // zeroes what was written
        return body;
    }

    // The base64 field `name` of a JSON answer, decoded straight to bytes; the answer is zeroed.
    private static byte[] ReadBytes(byte[] answer, ReadOnlySpan<byte> name)
    {
        try
        {
            var reader = new Utf8JsonReader(answer);
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals(name))
                {
                    reader.Read();
                    return reader.GetBytesFromBase64();
                }
            }
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            throw new GoogleKmsApiException(200, "MALFORMED_RESPONSE", "the answer is not the expected JSON");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(answer);
        }

        throw new GoogleKmsApiException(200, "MALFORMED_RESPONSE", "the answer has no " + System.Text.Encoding.UTF8.GetString(name) + " field");
    }

    // A google.rpc.Status body: {"error":{"code":404,"message":"...","status":"NOT_FOUND"}}.
    private static GoogleKmsApiException Error(int httpStatus, byte[] answer)
    {
        string? status = null, message = null;
        try
        {
            using var document = JsonDocument.Parse(answer);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                status = error.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
                message = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            }
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's error page): the HTTP status is all there is.
        }

        return new GoogleKmsApiException(httpStatus, status ?? "UNKNOWN", message ?? "no error details");
    }
}
