using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Authentication;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Kamus.Client.Diagnostics;
using Kamus.Client.Resilience;
using Kamus.Client.Tokens;
using Kamus.Wire.Protocol;
using Microsoft.Extensions.Logging;

namespace Kamus.Client.Transport;

/// <summary>
/// Sends one Kamus API request through the resilience pipeline: JSON body, bearer token for decrypt calls (re-read
/// once after a 401), metrics per attempt, and transport failures mapped to <see cref="KamusException"/>.
/// Answers of any status are returned; callers map them (<see cref="StatusErrors"/>).
/// </summary>
internal sealed class KamusTransport
{
    private static readonly MediaTypeHeaderValue JsonMediaType = new("application/json") { CharSet = "utf-8" };

    private readonly HttpClient _http;
    private readonly Uri _baseUrl;
    private readonly ITokenSource _tokens;
    private readonly KamusResiliencePipeline _pipeline;
    private readonly CertificatePin? _pin;
    private readonly bool _pinConfigured;
    private readonly TimeProvider _time;
    private readonly TimeSpan _attemptTimeout;
    private readonly TimeSpan _totalTimeout;
    private readonly ILogger _logger;

    public KamusTransport(HttpClient http, Uri baseUrl, ITokenSource tokens, KamusClientOptions options, CertificatePin? pin, ILogger logger)
    {
        _http = http;
        _baseUrl = KamusUrlPolicy.NormalizeBase(baseUrl);
        _tokens = tokens;
        _pin = pin;
        _pinConfigured = options.CertificateFingerprint is not null;
        _time = options.TimeProvider;
        _attemptTimeout = options.AttemptTimeout;
        _totalTimeout = options.TotalTimeout;
        _logger = logger;
        _pipeline = KamusResiliencePipeline.Create(options, logger);
    }

    public Task<KamusResponse> PostAsync<T>(string endpoint, T body, JsonTypeInfo<T> typeInfo, bool authenticated, CancellationToken cancellationToken) =>
        PostAsync(endpoint, JsonSerializer.SerializeToUtf8Bytes(body, typeInfo), authenticated, cancellationToken);

    /// <summary>Posts a JSON body already written (and clears it once sent: it may hold a plaintext).</summary>
    public async Task<KamusResponse> PostAsync(string endpoint, byte[] content, bool authenticated, CancellationToken cancellationToken)
    {
        using var activity = KamusClientTelemetry.ActivitySource.StartActivity("Kamus POST " + endpoint, ActivityKind.Client);
        activity?.SetTag("kamus.endpoint", endpoint);
        try
        {
            var response = await ExecuteAsync(endpoint, content, authenticated, cancellationToken).ConfigureAwait(false);
            if (authenticated && response.Status == HttpStatusCode.Unauthorized)
            {
                // The token may have been rotated under us: re-read it and try once more, and only once.
                KamusClientLog.TokenRejected(_logger, endpoint);
                _tokens.Invalidate();
                response = await ExecuteAsync(endpoint, content, authenticated, cancellationToken).ConfigureAwait(false);
            }

            activity?.SetTag("http.response.status_code", (int)response.Status);
            return response;
        }
        catch (KamusException e)
        {
            activity?.SetStatus(ActivityStatusCode.Error, e.Kind.ToString());
            throw;
        }
        finally
        {
            // The body may hold plaintext (encrypt): do not leave it in memory longer than needed.
            Array.Clear(content);
        }
    }

    /// <summary>An unauthenticated GET (the public key statements), with the same retries, timeouts and TLS checks as the POSTs.</summary>
    public async Task<KamusResponse> GetAsync(string endpoint, CancellationToken cancellationToken)
    {
        using var activity = KamusClientTelemetry.ActivitySource.StartActivity("Kamus GET " + KamusEndpoints.PublicKeysV2, ActivityKind.Client);
        var response = await ExecuteAsync(endpoint, content: null, authenticated: false, cancellationToken).ConfigureAwait(false);
        activity?.SetTag("http.response.status_code", (int)response.Status);
        return response;
    }

    // A null content is a GET; the request line is named in every error so that the reader knows which call failed.
    private async Task<KamusResponse> ExecuteAsync(string endpoint, byte[]? content, bool authenticated, CancellationToken cancellationToken)
    {
        var method = content is null ? "GET" : "POST";
        var url = ConnectionFailure.DisplayUrl(_baseUrl, endpoint);
        var state = new AttemptState(this, endpoint, content, authenticated) { Url = url };
        try
        {
            // The operation key is the request URL: a retry's log line says where it goes.
            return await _pipeline.ExecuteAsync(static (s, ct) => s.Transport.AttemptAsync(s, ct), state, url, cancellationToken).ConfigureAwait(false);
        }
        // Polly's exceptions are recognised by the pipeline (catch clauses naming them would load Polly on every call).
        catch (Exception e) when (KamusResiliencePipeline.IsTimeout(e))
        {
            throw TimedOut(url, state, e);
        }
        catch (Exception e) when (KamusResiliencePipeline.IsOpenCircuit(e))
        {
            throw new KamusException(KamusErrorKind.Unavailable, $"{method} {url} was not attempted: the circuit breaker is open after repeated failures.", innerException: e);
        }
        catch (HttpRequestException e) when (e.InnerException is AuthenticationException)
        {
            if ((_pin is not null && _pin.Mismatches > 0) || (_pin is null && _pinConfigured))
            {
                throw new KamusException(KamusErrorKind.CertificatePinMismatch, $"The Kamus server certificate of {url} does not match the pinned fingerprint (CertificateFingerprint); the request was not sent.", innerException: e);
            }

            throw new KamusException(KamusErrorKind.Configuration, $"Cannot talk to the Kamus server at {url}: {ConnectionFailure.Describe(e, _baseUrl, _attemptTimeout)}. The request was not sent.", innerException: e);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            throw new KamusException(KamusErrorKind.Unavailable, $"Cannot reach the Kamus server at {url}: {ConnectionFailure.Describe(e, _baseUrl, _attemptTimeout)}{Attempts(state)}.", innerException: e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw TimedOut(url, state, e);
        }
    }

    private KamusException TimedOut(string url, AttemptState state, Exception e)
    {
        // The deadline can also end the wait before a retry of an answer (429 with Retry-After, 5xx): say what the server
        // answered, or the reader looks for a network fault that is not there. A 429 keeps its kind (RateLimited: slow
        // down or raise the limit), as when the retries run out first; 5xx and 408 are the server's outage (Unavailable).
        if (state.LastStatus is { } status)
        {
            var retryAfter = state.LastRetryAfter is { } wait ? $", Retry-After {wait}" : string.Empty;
            var kind = (int)status == 429 ? KamusErrorKind.RateLimited : KamusErrorKind.Unavailable;
            return new KamusException(kind, $"The Kamus server at {url} gave no usable answer within {_totalTimeout} (TotalTimeout){Attempts(state)}; last answer: HTTP {(int)status} ({status}){retryAfter}.", status, e);
        }

        var last = state.LastFailure is { } failure ? "; last: " + ConnectionFailure.Describe(failure, _baseUrl, _attemptTimeout) : string.Empty;
        return new KamusException(KamusErrorKind.Timeout, $"The Kamus server at {url} did not answer within {_totalTimeout} (TotalTimeout){Attempts(state)}{last}.", innerException: e);
    }

    private static string Attempts(AttemptState state) => state.Attempts > 1 ? $", after {state.Attempts} attempts" : string.Empty;

    // One attempt: an answer of any status, or the exception (the pipeline decides what is retried).
    private async Task<KamusResponse> AttemptAsync(AttemptState state, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var status = "error";
        state.Attempts++;
        try
        {
            using var request = new HttpRequestMessage(state.Content is null ? HttpMethod.Get : HttpMethod.Post, new Uri(_baseUrl, state.Endpoint.TrimStart('/')));
            if (state.Content is not null)
            {
                request.Content = new ByteArrayContent(state.Content);
                request.Content.Headers.ContentType = JsonMediaType;
            }

            if (state.Authenticated)
            {
                var token = await _tokens.GetTokenAsync(cancellationToken).ConfigureAwait(false);
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            status = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
            KamusClientLog.RequestCompleted(_logger, state.Endpoint, (int)response.StatusCode, _time.GetElapsedTime(started).TotalMilliseconds);
            var answer = new KamusResponse(response.StatusCode, body, response.Content.Headers.ContentType, RetryAfter(response)) { Url = state.Url };
            (state.LastStatus, state.LastRetryAfter, state.LastFailure) = (answer.Status, answer.RetryAfter, null);
            return answer;
        }
        catch (Exception e)
        {
            // Kept to say what happened when the deadline passes; the pipeline decides whether to retry.
            (state.LastStatus, state.LastFailure) = (null, e);
            throw;
        }
        finally
        {
            // The one GET names a service account in its path: it is tagged by its prefix, so names never become tag values.
            // Guarded: without a listener, recording would still JIT the instruments' generic code at startup.
            var endpointTag = new KeyValuePair<string, object?>("endpoint", state.Content is null ? KamusEndpoints.PublicKeysV2 : state.Endpoint);
            if (KamusClientTelemetry.Requests.Enabled)
            {
                KamusClientTelemetry.Requests.Add(1, endpointTag, new KeyValuePair<string, object?>("status", status));
            }

            if (KamusClientTelemetry.RequestDuration.Enabled)
            {
                KamusClientTelemetry.RequestDuration.Record(_time.GetElapsedTime(started).TotalSeconds, endpointTag);
            }
        }
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        if (response.Headers.RetryAfter is not { } retryAfter)
        {
            return null;
        }

        if (retryAfter.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (retryAfter.Date is { } date)
        {
            var wait = date - _time.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }

    private sealed record AttemptState(KamusTransport Transport, string Endpoint, byte[]? Content, bool Authenticated)
    {
        /// <summary>The request URL as shown in messages.</summary>
        public string? Url { get; init; }

        /// <summary>Attempts made so far (retries included).</summary>
        public int Attempts { get; set; }

        /// <summary>Why the latest attempt got no answer, to say what happened when the deadline passes.</summary>
        public Exception? LastFailure { get; set; }

        /// <summary>The latest attempt's status and Retry-After (never its body), when the deadline passes before its retry.</summary>
        public HttpStatusCode? LastStatus { get; set; }

        /// <summary>The latest answer's Retry-After, shown with <see cref="LastStatus"/>.</summary>
        public TimeSpan? LastRetryAfter { get; set; }

        public override string ToString() => $"AttemptState({Endpoint})";
    }
}
