using System.Net;
using System.Text.Json;
using Kamus.Client.Diagnostics;
using Kamus.Wire.Formats;
using Kamus.Wire.Protocol;
using Microsoft.Extensions.Logging;

namespace Kamus.Client.Transport;

/// <summary>
/// The Kamus endpoints, v2 batch first. When the server answers 404/405 to a v2 call it is an upstream server: from
/// then on this instance uses <c>/api/v1</c>, one call per value with bounded concurrency.
/// </summary>
internal sealed class KamusApi
{
    private readonly KamusTransport _transport;
    private readonly int _maxConcurrency;
    private readonly ILogger _logger;
    private volatile bool _upstreamServer;

    public KamusApi(KamusTransport transport, int maxConcurrency, ILogger logger)
    {
        _transport = transport;
        _maxConcurrency = maxConcurrency;
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
            throw StatusErrors.For(response.Status, KamusEndpoints.EncryptV1, isDecrypt: false);
        }

        var ciphertext = response.Text.Trim();
        return ciphertext.Length > 0 ? ciphertext : throw new KamusException(KamusErrorKind.Protocol, $"POST {KamusEndpoints.EncryptV1} answered an empty ciphertext.", response.Status);
    }

    public async Task<IReadOnlyDictionary<string, string>> EncryptManyAsync(string serviceAccount, string @namespace, IReadOnlyDictionary<string, string> items, CancellationToken cancellationToken)
    {
        if (!_upstreamServer)
        {
            var request = new BatchEncryptRequest { ServiceAccount = serviceAccount, Namespace = @namespace, Items = new Dictionary<string, string>(items, StringComparer.Ordinal) };
            var response = await _transport.PostAsync(KamusEndpoints.EncryptV2, request, KamusProtocolJsonContext.Default.BatchEncryptRequest, authenticated: false, cancellationToken).ConfigureAwait(false);
            if (!IsMissingEndpoint(response.Status, KamusEndpoints.EncryptV2))
            {
                if (!response.IsSuccess)
                {
                    throw StatusErrors.For(response.Status, KamusEndpoints.EncryptV2, isDecrypt: false);
                }

                var answer = Deserialize(response, KamusProtocolJsonContext.Default.BatchEncryptResponse, KamusEndpoints.EncryptV2);
                var result = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var name in items.Keys)
                {
                    if (answer.Items is null || !answer.Items.TryGetValue(name, out var ciphertext) || string.IsNullOrEmpty(ciphertext))
                    {
                        throw new KamusException(KamusErrorKind.Protocol, $"POST {KamusEndpoints.EncryptV2} answered without a ciphertext for a requested item.", response.Status);
                    }

                    result[name] = ciphertext;
                }

                return result;
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

    /// <summary>Decrypts <paramref name="ciphertexts"/> remotely: one answer per item, in order.</summary>
    /// <exception cref="KamusException">Only for misconfiguration (token unreadable, TLS, pin), which no item can get past.</exception>
    public async Task<RemoteAnswer[]> DecryptAsync(IReadOnlyList<string> ciphertexts, CancellationToken cancellationToken)
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

    private async Task<RemoteAnswer[]?> DecryptV2Async(IReadOnlyList<string> ciphertexts, CancellationToken cancellationToken)
    {
        var request = new BatchDecryptRequest { Items = [.. ciphertexts] };
        KamusResponse response;
        try
        {
            response = await _transport.PostAsync(KamusEndpoints.DecryptV2, request, KamusProtocolJsonContext.Default.BatchDecryptRequest, authenticated: true, cancellationToken).ConfigureAwait(false);
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
            return FailAll(ciphertexts, StatusErrors.For(response.Status, KamusEndpoints.DecryptV2, isDecrypt: true));
        }

        BatchDecryptResponse answer;
        try
        {
            answer = Deserialize(response, KamusProtocolJsonContext.Default.BatchDecryptResponse, KamusEndpoints.DecryptV2);
            if (answer.Items is null || answer.Items.Count != ciphertexts.Count)
            {
                throw new KamusException(KamusErrorKind.Protocol, $"POST {KamusEndpoints.DecryptV2} answered {answer.Items?.Count ?? 0} results for {ciphertexts.Count} items.", response.Status);
            }
        }
        catch (KamusException e)
        {
            return FailAll(ciphertexts, e);
        }

        var results = new RemoteAnswer[ciphertexts.Count];
        for (var i = 0; i < results.Length; i++)
        {
            var item = answer.Items[i];
            results[i] = item switch
            {
                { Error: null, Plaintext: { } plaintext } => RemoteAnswer.Success(plaintext),
                { Error: { } error } when WireErrorKinds.TryParse(error, out var kind) =>
                    RemoteAnswer.Failure(StatusErrors.ForBatchItem(StatusErrors.KindOf(kind), CiphertextFingerprint.Of(ciphertexts[i]))),
                _ => RemoteAnswer.Failure(new KamusException(KamusErrorKind.Protocol, $"Decrypting {CiphertextFingerprint.Of(ciphertexts[i])} failed: POST {KamusEndpoints.DecryptV2} answered an unreadable result.") { CiphertextFingerprint = CiphertextFingerprint.Of(ciphertexts[i]) }),
            };
        }

        return results;
    }

    private async Task<RemoteAnswer[]> DecryptV1Async(IReadOnlyList<string> ciphertexts, CancellationToken cancellationToken)
    {
        var results = new RemoteAnswer[ciphertexts.Count];
        KamusException? outage = null;
        await Parallel.ForEachAsync(Enumerable.Range(0, ciphertexts.Count), ParallelOptionsFor(cancellationToken), async (i, ct) =>
        {
            if (Volatile.Read(ref outage) is { } known)
            {
                // The server is down, slow or refusing us: do not repeat every retry for every remaining value.
                results[i] = RemoteAnswer.Failure(StatusErrors.ForItem(known, CiphertextFingerprint.Of(ciphertexts[i])));
                return;
            }

            try
            {
                var response = await _transport.PostAsync(KamusEndpoints.DecryptV1, new DecryptRequest { Data = ciphertexts[i] }, KamusProtocolJsonContext.Default.DecryptRequest, authenticated: true, ct).ConfigureAwait(false);
                if (response.IsSuccess)
                {
                    results[i] = RemoteAnswer.Success(response.Text);
                    return;
                }

                // Fingerprints only for failures: a successful value needs no SHA-256.
                var fingerprint = CiphertextFingerprint.Of(ciphertexts[i]);
                var error = StatusErrors.For(response.Status, KamusEndpoints.DecryptV1, isDecrypt: true, fingerprint);
                if (IsOutage(error.Kind))
                {
                    Interlocked.CompareExchange(ref outage, error, null);
                }

                results[i] = RemoteAnswer.Failure(error);
            }
            catch (KamusException e) when (!IsFatal(e))
            {
                Interlocked.CompareExchange(ref outage, e, null);
                results[i] = RemoteAnswer.Failure(StatusErrors.ForItem(e, CiphertextFingerprint.Of(ciphertexts[i])));
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

    private static T Deserialize<T>(KamusResponse response, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo, string endpoint)
    {
        try
        {
            return JsonSerializer.Deserialize(response.Body, typeInfo) ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            // The exception's message may quote the body: keep it out of ours (it is still the inner exception's).
            throw new KamusException(KamusErrorKind.Protocol, $"POST {endpoint} answered a body that is not the expected JSON.", response.Status, new JsonException("Invalid JSON.", e.Path, e.LineNumber, e.BytePositionInLine));
        }
    }

    private static RemoteAnswer[] FailAll(IReadOnlyList<string> ciphertexts, KamusException error) =>
        [.. ciphertexts.Select(c => RemoteAnswer.Failure(StatusErrors.ForItem(error, CiphertextFingerprint.Of(c))))];

    /// <summary>Misconfiguration that no retry or other item can get past: thrown to the caller.</summary>
    private static bool IsFatal(KamusException e) => e.Kind is KamusErrorKind.Configuration or KamusErrorKind.CertificatePinMismatch;

    private static bool IsOutage(KamusErrorKind kind) => kind is KamusErrorKind.Unavailable or KamusErrorKind.Timeout or KamusErrorKind.RateLimited or KamusErrorKind.Unauthorized;
}
