using System.Net;
using System.Text.Json;
using Kamus.Client.Diagnostics;
using Kamus.Wire.Formats;
using Kamus.Client.Offline;
using Kamus.Wire.Protocol;
using Microsoft.Extensions.Logging;

namespace Kamus.Client.Transport;

/// <summary>
/// The Kamus endpoints, v2 batch first. When the server answers 404/405 to a v2 call it is an upstream server: from
/// then on this instance uses <c>/api/v1</c>, one call per value with bounded concurrency.
/// </summary>
internal sealed class KamusApi
{
    // JSON around the items ({"items":[...]}) and around each item ("...",), with room for escapes the server may need.
    private const int BatchOverheadBytes = 16;
    private const int ItemOverheadBytes = 8;

    private readonly KamusTransport _transport;
    private readonly int _maxConcurrency;
    private readonly int _maxBatchItems;
    private readonly int _maxRequestBytes;
    private readonly ILogger _logger;
    private volatile bool _upstreamServer;

    public KamusApi(KamusTransport transport, KamusClientOptions options, ILogger logger)
    {
        _transport = transport;
        _maxConcurrency = options.MaxConcurrency;
        _maxBatchItems = options.MaxBatchItems;
        _maxRequestBytes = options.MaxRequestBytes;
        _logger = logger;
    }

    /// <summary>Whether the server turned out to have no v2 API.</summary>
    public bool IsUpstreamServer => _upstreamServer;

    public async Task<string> EncryptAsync(string data, string serviceAccount, string @namespace, CancellationToken cancellationToken)
    {
        var request = new EncryptRequest { Data = data, ServiceAccount = serviceAccount, Namespace = @namespace };
        var response = await _transport.PostAsync(KamusEndpoints.EncryptV1, request, KamusProtocolJsonContext.Default.EncryptRequest, authenticated: false, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccess)
        {
            throw StatusErrors.For(response, KamusEndpoints.EncryptV1, isDecrypt: false);
        }

        var ciphertext = response.Text.Trim();
        return EncryptAnswer.Problem(data, ciphertext) is { } problem
            ? throw new KamusException(KamusErrorKind.Protocol, $"POST {KamusEndpoints.EncryptV1} answered no usable ciphertext: {problem}.", response.Status)
            : ciphertext;
    }

    /// <summary>
    /// Encrypts <paramref name="items"/>, those named in <paramref name="contexts"/> bound to their context. Binding needs
    /// a server that knows it: a server without <c>/api/v2</c>, or one that ignored the contexts, is an error, never a
    /// silent fallback to unbound values.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string>> EncryptManyAsync(string serviceAccount, string @namespace, IReadOnlyDictionary<string, string> items, CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? contexts = null)
    {
        var bound = contexts is { Count: > 0 };
        if (bound && _upstreamServer)
        {
            throw NoBinding(KamusEndpoints.EncryptV2, null);
        }

        if (!_upstreamServer)
        {
            var request = new BatchEncryptRequest
            {
                ServiceAccount = serviceAccount,
                Namespace = @namespace,
                Items = new Dictionary<string, string>(items, StringComparer.Ordinal),
                Contexts = bound ? new Dictionary<string, string>(contexts!, StringComparer.Ordinal) : null,
            };
            var response = await _transport.PostAsync(KamusEndpoints.EncryptV2, request, KamusProtocolJsonContext.Default.BatchEncryptRequest, authenticated: false, cancellationToken).ConfigureAwait(false);
            if (!IsMissingEndpoint(response.Status, KamusEndpoints.EncryptV2))
            {
                if (!response.IsSuccess)
                {
                    throw StatusErrors.For(response, KamusEndpoints.EncryptV2, isDecrypt: false);
                }

                var answer = Deserialize(response, KamusProtocolJsonContext.Default.BatchEncryptResponse, KamusEndpoints.EncryptV2);
                var result = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var name in items.Keys)
                {
                    if (answer.Items is null || !answer.Items.TryGetValue(name, out var ciphertext) || string.IsNullOrEmpty(ciphertext))
                    {
                        throw new KamusException(KamusErrorKind.Protocol, $"POST {KamusEndpoints.EncryptV2} answered without a ciphertext for a requested item.", response.Status);
                    }

                    // A ciphertext, not the plaintext, and bound exactly as asked (a server that ignored the contexts fails here).
                    if (EncryptAnswer.Problem(items[name], ciphertext, contexts?.GetValueOrDefault(name)) is { } problem)
                    {
                        throw new KamusException(KamusErrorKind.Protocol, $"POST {KamusEndpoints.EncryptV2} answered no usable ciphertext for a requested item: {problem}.", response.Status);
                    }

                    result[name] = ciphertext;
                }

                return result;
            }

            if (bound)
            {
                throw NoBinding(KamusEndpoints.EncryptV2, response.Status);
            }
        }

        // Upstream server: one call per value, bounded.
        var names = items.Keys.ToArray();
        var ciphertexts = new string[names.Length];
        await Parallel.ForEachAsync(Enumerable.Range(0, names.Length), ParallelOptionsFor(cancellationToken), async (i, ct) =>
            ciphertexts[i] = await EncryptAsync(items[names[i]], serviceAccount, @namespace, ct).ConfigureAwait(false)).ConfigureAwait(false);
        var map = new Dictionary<string, string>(names.Length, StringComparer.Ordinal);
        for (var i = 0; i < names.Length; i++)
        {
            map[names[i]] = ciphertexts[i];
        }

        return map;
    }

    private static KamusException NoBinding(string path, HttpStatusCode? status) =>
        new(KamusErrorKind.Protocol, $"POST {path}: the server does not bind values to a context (it is upstream Kamus, or an older Kamus for .NET); upgrade the encryptor, or encrypt unbound.", status);

    /// <summary>Fetches a service account's offline key statement (not yet checked: the caller verifies it).</summary>
    public async Task<KamusPublicKeyStatement> GetPublicKeyStatementAsync(string serviceAccount, string @namespace, CancellationToken cancellationToken)
    {
        var endpoint = KamusEndpoints.PublicKey(@namespace, serviceAccount);
        var response = await _transport.GetAsync(endpoint, cancellationToken).ConfigureAwait(false);
        if (response.Status == HttpStatusCode.NotFound)
        {
            throw new KamusException(
                KamusErrorKind.Configuration,
                $"GET {endpoint} failed with HTTP 404: this server offers no public keys (its KeyManagement:Offline is not set, or it is an older Kamus). Encrypt through the server instead, or ask its operators to enable offline keys.",
                response.Status);
        }

        if (!response.IsSuccess)
        {
            throw StatusErrors.For(response.Status, endpoint, isDecrypt: false, method: "GET");
        }

        try
        {
            return KamusPublicKeyStatement.Parse(response.Body);
        }
        catch (KamusException e)
        {
            throw new KamusException(KamusErrorKind.Protocol, $"GET {endpoint} answered something that is not a public key statement: {e.Message}", response.Status, e);
        }
    }

    /// <summary>
    /// Decrypts <paramref name="ciphertexts"/> remotely: one outcome per item, in order. Batches are split to fit the
    /// server's limits; a value too long for any request fails here, unsent.
    /// </summary>
    /// <exception cref="KamusException">Only for misconfiguration (token unreadable, TLS, pin), which no item can get past.</exception>
    public async Task<DecryptOutcome[]> DecryptAsync(IReadOnlyList<string> ciphertexts, CancellationToken cancellationToken)
    {
        var results = new DecryptOutcome[ciphertexts.Count];
        var chunk = new List<int>();
        var chunkBytes = BatchOverheadBytes;
        for (var i = 0; i <= ciphertexts.Count; i++)
        {
            var itemBytes = i < ciphertexts.Count ? ciphertexts[i].Length + ItemOverheadBytes : 0;
            if (i < ciphertexts.Count && BatchOverheadBytes + itemBytes > _maxRequestBytes)
            {
                results[i] = DecryptOutcome.Failed(ciphertexts[i], KamusErrorKind.PayloadTooLarge, $"the value is {ciphertexts[i].Length} characters long, more than the largest request the server accepts ({_maxRequestBytes} bytes); it was not sent.");
                continue;
            }

            if (chunk.Count > 0 && (i == ciphertexts.Count || chunk.Count == _maxBatchItems || chunkBytes + itemBytes > _maxRequestBytes))
            {
                var answers = await DecryptChunkAsync(Decryption.BatchDecryptor.Pick(ciphertexts, chunk, new string[chunk.Count]), cancellationToken).ConfigureAwait(false);
                for (var c = 0; c < chunk.Count; c++)
                {
                    results[chunk[c]] = answers[c];
                }

                chunk.Clear();
                chunkBytes = BatchOverheadBytes;
            }

            if (i < ciphertexts.Count)
            {
                chunk.Add(i);
                chunkBytes += itemBytes;
            }
        }

        return results;
    }

    private async Task<DecryptOutcome[]> DecryptChunkAsync(IReadOnlyList<string> ciphertexts, CancellationToken cancellationToken)
    {
        if (!_upstreamServer)
        {
            var answers = await DecryptV2Async(ciphertexts, cancellationToken).ConfigureAwait(false);
            if (answers is not null)
            {
                return answers;
            }
        }

        return await DecryptV1Async(ciphertexts, cancellationToken).ConfigureAwait(false);
    }

    private async Task<DecryptOutcome[]?> DecryptV2Async(IReadOnlyList<string> ciphertexts, CancellationToken cancellationToken)
    {
        KamusResponse response;
        try
        {
            // Decrypt bodies are written and read without the serializer (DecryptJson): a cold start's first call.
            response = await _transport.PostAsync(KamusEndpoints.DecryptV2, DecryptJson.BatchRequest(ciphertexts), authenticated: true, cancellationToken).ConfigureAwait(false);
        }
        catch (KamusException e) when (!IsFatal(e))
        {
            return FailAll(ciphertexts, e);
        }

        if (IsMissingEndpoint(response.Status, KamusEndpoints.DecryptV2))
        {
            return null;
        }

        if (!response.IsSuccess)
        {
            return FailAll(ciphertexts, StatusErrors.For(response, KamusEndpoints.DecryptV2, isDecrypt: true));
        }

        BatchDecryptResponse answer;
        try
        {
            answer = Read(response, DecryptJson.ReadBatchResponse, KamusEndpoints.DecryptV2);
            if (answer.Items is null || answer.Items.Count != ciphertexts.Count)
            {
                throw new KamusException(KamusErrorKind.Protocol, $"POST {KamusEndpoints.DecryptV2} answered {answer.Items?.Count ?? 0} results for {ciphertexts.Count} items.", response.Status);
            }
        }
        catch (KamusException e)
        {
            return FailAll(ciphertexts, e);
        }

        var results = new DecryptOutcome[ciphertexts.Count];
        for (var i = 0; i < results.Length; i++)
        {
            var item = answer.Items[i];
            results[i] = item switch
            {
                { Error: null, Plaintext: { } plaintext } => DecryptOutcome.Success(ciphertexts[i], plaintext),
                { Error: { } error } when WireErrorKinds.TryParse(error, out var kind) => StatusErrors.ForBatchItem(ciphertexts[i], kind),
                _ => DecryptOutcome.Failed(ciphertexts[i], KamusErrorKind.Protocol, $"POST {KamusEndpoints.DecryptV2} answered an unreadable result."),
            };
        }

        return results;
    }

    /// <summary>Re-encrypts <paramref name="ciphertexts"/> (<c>/api/v2/rewrap</c>): one outcome per item, in order.</summary>
    /// <exception cref="KamusException">The call failed as a whole.</exception>
    public async Task<RewrapOutcome[]> RewrapAsync(string serviceAccount, string @namespace, IReadOnlyList<string> ciphertexts, CancellationToken cancellationToken)
    {
        var request = new RewrapRequest { ServiceAccount = serviceAccount, Namespace = @namespace, Items = [.. ciphertexts] };
        var response = await _transport.PostAsync(KamusEndpoints.RewrapV2, request, KamusProtocolJsonContext.Default.RewrapRequest, authenticated: true, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccess)
        {
            throw StatusErrors.For(response.Status, KamusEndpoints.RewrapV2, isDecrypt: false);
        }

        var answer = Deserialize(response, KamusProtocolJsonContext.Default.RewrapResponse, KamusEndpoints.RewrapV2);
        if (answer.Items is null || answer.Items.Count != ciphertexts.Count)
        {
            throw new KamusException(KamusErrorKind.Protocol, $"POST {KamusEndpoints.RewrapV2} answered {answer.Items?.Count ?? 0} results for {ciphertexts.Count} items.", response.Status);
        }

        var outcomes = new RewrapOutcome[ciphertexts.Count];
        for (var i = 0; i < outcomes.Length; i++)
        {
            outcomes[i] = answer.Items[i] switch
            {
                { Error: null, Data: { Length: > 0 } data } => RewrapOutcome.Success(ciphertexts[i], data),
                { Error: var error } when WireErrorKinds.TryParse(error, out var kind) => RefusedRewrap(ciphertexts[i], kind),
                _ => RewrapOutcome.Failure(ciphertexts[i], new KamusException(KamusErrorKind.Protocol, $"POST {KamusEndpoints.RewrapV2} answered an unreadable result.")),
            };
        }

        return outcomes;
    }

    private static RewrapOutcome RefusedRewrap(string ciphertext, WireErrorKind kind)
    {
        var fingerprint = CiphertextFingerprint.Of(ciphertext);
        return RewrapOutcome.Failure(ciphertext, new KamusException(StatusErrors.KindOf(kind), $"Re-encrypting {fingerprint} failed: the server answered {WireErrorKinds.Name(kind)}.") { CiphertextFingerprint = fingerprint });
    }

    private async Task<DecryptOutcome[]> DecryptV1Async(IReadOnlyList<string> ciphertexts, CancellationToken cancellationToken)
    {
        var results = new DecryptOutcome[ciphertexts.Count];
        KamusException? outage = null;
        await Parallel.ForEachAsync(Enumerable.Range(0, ciphertexts.Count), ParallelOptionsFor(cancellationToken), async (i, ct) =>
        {
            if (Volatile.Read(ref outage) is { } known)
            {
                // The server is down, slow or refusing us: do not repeat every retry for every remaining value.
                results[i] = DecryptOutcome.FailedBy(ciphertexts[i], known);
                return;
            }

            try
            {
                var response = await _transport.PostAsync(KamusEndpoints.DecryptV1, DecryptJson.Request(ciphertexts[i]), authenticated: true, ct).ConfigureAwait(false);
                if (response.IsSuccess)
                {
                    results[i] = DecryptOutcome.Success(ciphertexts[i], response.Text);
                    return;
                }

                // Fingerprints only for failures: a successful value needs no SHA-256.
                var failure = StatusErrors.ForValue(ciphertexts[i], response, KamusEndpoints.DecryptV1);
                if (IsOutage(failure.Error!.Kind))
                {
                    Interlocked.CompareExchange(ref outage, failure.Error, null);
                }

                results[i] = failure;
            }
            catch (KamusException e) when (!IsFatal(e))
            {
                Interlocked.CompareExchange(ref outage, e, null);
                results[i] = DecryptOutcome.FailedBy(ciphertexts[i], e);
            }
        }).ConfigureAwait(false);
        return results;
    }

    private bool IsMissingEndpoint(HttpStatusCode status, string endpoint)
    {
        if (status is not (HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed))
        {
            return false;
        }

        if (!_upstreamServer)
        {
            _upstreamServer = true;
            KamusClientLog.ServerWithoutV2(_logger, endpoint, status);
        }

        return true;
    }

    private ParallelOptions ParallelOptionsFor(CancellationToken cancellationToken) => new() { MaxDegreeOfParallelism = _maxConcurrency, CancellationToken = cancellationToken };

    private static T Deserialize<T>(KamusResponse response, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo, string endpoint) =>
        Read(response, body => JsonSerializer.Deserialize(body, typeInfo), endpoint);

    private static T Read<T>(KamusResponse response, Func<string, T?> read, string endpoint)
    {
        try
        {
            return read(response.Body) ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            // The exception's message may quote the body: keep it out of ours (it is still the inner exception's).
            throw new KamusException(KamusErrorKind.Protocol, $"POST {endpoint} answered a body that is not the expected JSON.", response.Status, new JsonException("Invalid JSON.", e.Path, e.LineNumber, e.BytePositionInLine));
        }
    }

    private static DecryptOutcome[] FailAll(IReadOnlyList<string> ciphertexts, KamusException error) =>
        [.. ciphertexts.Select(c => DecryptOutcome.FailedBy(c, error))];

    /// <summary>Misconfiguration that no retry or other item can get past: thrown to the caller.</summary>
    private static bool IsFatal(KamusException e) => e.Kind is KamusErrorKind.Configuration or KamusErrorKind.CertificatePinMismatch;

    private static bool IsOutage(KamusErrorKind kind) => kind is KamusErrorKind.Unavailable or KamusErrorKind.Timeout or KamusErrorKind.RateLimited or KamusErrorKind.Unauthorized;
}
