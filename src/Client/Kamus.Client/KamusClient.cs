using Kamus.Wire.Formats;
using Kamus.Wire.Identity;
using Kamus.Client.Decryption;
using Kamus.Client.Diagnostics;
using Kamus.Client.FastPath;
using Kamus.Client.Offline;
using Kamus.Client.Tokens;
using Kamus.Client.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kamus.Client;

/// <summary>
/// The Kamus client: encrypts for a service account and decrypts as this pod's service account, with retries and
/// timeouts, batch calls, token rotation and the local envelope fast path. Thread-safe; create one and reuse it.
/// Disposing it zeroes the cached data keys.
/// </summary>
public sealed class KamusClient : IKamusClient, IDisposable
{
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly ITokenSource _tokens;
    private readonly bool _ownsTokens;
    private readonly KamusApi _api;
    private readonly EnvelopeFastPath _fastPath;
    private readonly BatchDecryptor _decryptor;
    private bool _disposed;

    /// <summary>Creates a standalone client with its own HTTP connection pool (for use before a DI container exists).</summary>
    /// <exception cref="KamusException">With <see cref="KamusErrorKind.Configuration"/> when the options are invalid.</exception>
    public KamusClient(KamusClientOptions options)
        : this(Validated(options), ParsePin(options))
    {
    }

    /// <summary>Creates a client on an existing <see cref="HttpClient"/> (for example from <c>IHttpClientFactory</c>).</summary>
    /// <remarks>The TLS settings of <paramref name="options"/> (pin, CA bundle) are applied by the handler of <paramref name="httpClient"/>, not here: <c>AddKamusClient</c> configures it.</remarks>
    /// <exception cref="KamusException">With <see cref="KamusErrorKind.Configuration"/> when the options are invalid.</exception>
    public KamusClient(HttpClient httpClient, KamusClientOptions options, ILoggerFactory? loggerFactory = null)
        : this(httpClient, ownsHttp: false, Validated(options), pin: null, loggerFactory)
    {
    }

    // Arguments run left to right: the options are validated before the pin is parsed from them.
    private KamusClient(KamusClientOptions options, CertificatePin? pin)
        : this(new HttpClient(KamusHttpHandler.Create(options, pin), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan }, ownsHttp: true, options, pin, null)
    {
    }

    internal KamusClient(HttpClient httpClient, bool ownsHttp, KamusClientOptions options, CertificatePin? pin, ILoggerFactory? loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        // String categories (the same names as CreateLogger<T>, whose Logger<T> builds them by reflection: a cold-start
        // cost), and without a logger factory the null logger itself.
        var factory = loggerFactory ?? options.LoggerFactory;
        var logging = factory is not null and not NullLoggerFactory;
        var logger = logging ? factory!.CreateLogger(typeof(KamusClient).FullName!) : NullLogger.Instance;
        var url = options.ResolveUrl()!;
        if (KamusUrlPolicy.IsInsecureRemote(url))
        {
            KamusClientLog.InsecureUrlAllowed(logger, url);
        }

        _http = httpClient;
        _ownsHttp = ownsHttp;
        _ownsTokens = options.TokenSource is null;
        _tokens = options.TokenSource ?? FileTokenSource.Create(options.ResolveTokenFilePath(), options.TimeProvider, logging ? factory!.CreateLogger(typeof(FileTokenSource).FullName!) : null);
        Url = url;
        var transport = new KamusTransport(httpClient, url, _tokens, options, pin, logger);
        _api = new KamusApi(transport, options, logger);
        _fastPath = new EnvelopeFastPath(options.EnableEnvelopeFastPath, options.DataKeyCacheSize);
        _decryptor = new BatchDecryptor(_api, _fastPath, logger);
    }

    /// <summary>The Kamus server URL in use.</summary>
    public Uri Url { get; }

    /// <summary>Whether the server turned out to be an upstream one (no <c>/api/v2</c>): decrypts then go one value per call.</summary>
    public bool IsUpstreamServer => _api.IsUpstreamServer;

    /// <summary>Whether envelope values are currently decrypted locally (enabled and not refused by the server).</summary>
    public bool IsEnvelopeFastPathActive => _fastPath.IsActive;

    /// <summary>How many unwrapped data keys are cached (for tests and diagnostics).</summary>
    internal int CachedDataKeys => _fastPath.CachedKeys;

    /// <inheritdoc />
    public Task<string> EncryptAsync(string data, string serviceAccount, string @namespace, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckIdentity(serviceAccount, @namespace);
        return _api.EncryptAsync(data, serviceAccount, @namespace, cancellationToken);
    }

    /// <inheritdoc />
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0027", Justification = "The shipped overload keeps its optional token; the contexts overload beside it takes a required one, so no call is ambiguous.")]
    public async Task<IReadOnlyDictionary<string, string>> EncryptManyAsync(string serviceAccount, string @namespace, IReadOnlyDictionary<string, string> items, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckIdentity(serviceAccount, @namespace);
        if (items.Count == 0)
        {
            return new Dictionary<string, string>();
        }

        if (items.Any(item => item.Value is null))
        {
            throw new KamusException(KamusErrorKind.InvalidRequest, "An item to encrypt has no value.");
        }

        return await _api.EncryptManyAsync(serviceAccount, @namespace, items, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// As <see cref="EncryptManyAsync(string, string, IReadOnlyDictionary{string, string}, CancellationToken)"/>, with the
    /// items named in <paramref name="contexts"/> bound to their context (<c>Kamus.Wire.Formats.CiphertextContext</c>):
    /// the public contexts overload, for callers that always bind (the kamus tool, the controller's tests).
    /// </summary>
    /// <exception cref="KamusException">The server cannot bind (<see cref="KamusErrorKind.Protocol"/>), or any error of <see cref="EncryptManyAsync(string, string, IReadOnlyDictionary{string, string}, CancellationToken)"/>.</exception>
    internal async Task<IReadOnlyDictionary<string, string>> EncryptBoundAsync(string serviceAccount, string @namespace, IReadOnlyDictionary<string, string> items, IReadOnlyDictionary<string, string> contexts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(contexts);
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckIdentity(serviceAccount, @namespace);
        if (items.Any(item => item.Value is null))
        {
            throw new KamusException(KamusErrorKind.InvalidRequest, "An item to encrypt has no value.");
        }

        if (contexts.Any(pair => !items.ContainsKey(pair.Key) || !CiphertextContext.IsValid(pair.Value)))
        {
            throw new KamusException(KamusErrorKind.InvalidRequest, "A context names no item or is not a valid context (kind:rest, at most 1024 bytes).");
        }

        return items.Count == 0
            ? new Dictionary<string, string>()
            : await _api.EncryptManyAsync(serviceAccount, @namespace, items, cancellationToken, contexts).ConfigureAwait(false);
    }

    /// <inheritdoc />
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026", Justification = "No call is ambiguous: the contexts overload needs its contexts argument, and a token alone goes to the shipped overload.")]
    public Task<IReadOnlyDictionary<string, string>> EncryptManyAsync(string serviceAccount, string @namespace, IReadOnlyDictionary<string, string> items, IReadOnlyDictionary<string, string>? contexts, CancellationToken cancellationToken = default) =>
        contexts is null || contexts.Count == 0
            ? EncryptManyAsync(serviceAccount, @namespace, items, cancellationToken)
            : EncryptBoundAsync(serviceAccount, @namespace, items, contexts, cancellationToken);

    /// <inheritdoc />
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026", Justification = "No call is ambiguous: the contexts overload needs its contexts argument, and a token alone goes to the shipped overload.")]
    public Task<IReadOnlyList<DecryptOutcome>> DecryptManyAsync(IReadOnlyList<string> ciphertexts, IReadOnlyList<string?>? contexts, CancellationToken cancellationToken = default) =>
        BoundContexts.DecryptAsync(ciphertexts, contexts, rest => DecryptManyAsync(rest, cancellationToken));

    /// <inheritdoc />
    public Task<KamusPublicKeyStatement> GetPublicKeyStatementAsync(string serviceAccount, string @namespace, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckIdentity(serviceAccount, @namespace);
        return _api.GetPublicKeyStatementAsync(serviceAccount, @namespace, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<string> DecryptAsync(string ciphertext, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ciphertext);
        var outcomes = await DecryptManyAsync([ciphertext], cancellationToken).ConfigureAwait(false);
        return outcomes[0].Plaintext;
    }

    /// <inheritdoc />
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0027", Justification = "The shipped overload keeps its optional token; the contexts overload beside it takes a required one, so no call is ambiguous.")]
    public async Task<IReadOnlyList<DecryptOutcome>> DecryptManyAsync(IReadOnlyList<string> ciphertexts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ciphertexts);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (ciphertexts.Count == 0)
        {
            return [];
        }

        using var activity = KamusClientTelemetry.ActivitySource.StartActivity("Kamus decrypt");
        activity?.SetTag("kamus.items", ciphertexts.Count);
        return await _decryptor.DecryptAsync(ciphertexts, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<RewrapOutcome>> RewrapManyAsync(string serviceAccount, string @namespace, IReadOnlyList<string> ciphertexts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ciphertexts);
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckIdentity(serviceAccount, @namespace);
        if (ciphertexts.Count == 0)
        {
            return [];
        }

        return await _api.RewrapAsync(serviceAccount, @namespace, ciphertexts, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Zeroes the cached data keys and releases the connection pool (when this client created it).</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _fastPath.Dispose();
        if (_ownsTokens && _tokens is IDisposable tokens)
        {
            tokens.Dispose();
        }

        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    /// <summary>Names the server, nothing else.</summary>
    public override string ToString() => $"KamusClient({Url})";

    private static KamusClientOptions Validated(KamusClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return options;
    }

    private static CertificatePin? ParsePin(KamusClientOptions options) =>
        options.CertificateFingerprint is { } text && CertificatePin.TryParse(text, out var pin) ? pin : null;

    private static void CheckIdentity(string serviceAccount, string @namespace)
    {
        if (!KubernetesNames.IsValidNamespace(@namespace))
        {
            throw new KamusException(KamusErrorKind.InvalidRequest, "The namespace is not a valid Kubernetes namespace name (RFC 1123 label).");
        }

        if (!KubernetesNames.IsValidServiceAccountName(serviceAccount))
        {
            throw new KamusException(KamusErrorKind.InvalidRequest, "The service account is not a valid Kubernetes service-account name (RFC 1123 subdomain).");
        }
    }
}
