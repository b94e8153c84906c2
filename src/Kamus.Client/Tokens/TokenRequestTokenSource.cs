using k8s;
using k8s.Models;
using Kamus.Client.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kamus.Client.Tokens;

/// <summary>
/// Asks the Kubernetes TokenRequest API for a short-lived token of the pod's own service account, bound to an audience
/// (for clusters where the pod spec cannot mount a projected token). The token is kept in memory and requested again
/// at 80% of its lifetime or after <see cref="Invalidate"/>. The pod's service account needs the RBAC right
/// <c>create</c> on <c>serviceaccounts/token</c> for itself.
/// </summary>
public sealed class TokenRequestTokenSource : ITokenSource, IDisposable
{
    /// <summary>Where Kubernetes mounts the pod's namespace.</summary>
    public const string DefaultNamespaceFilePath = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

    private readonly IKubernetes _kubernetes;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly long _expirationSeconds;
    private readonly string? _namespaceFilePath;
    private string? _namespace;
    private readonly TokenCache<CachedToken> _cache;

    /// <summary>Creates a source.</summary>
    /// <param name="kubernetes">The Kubernetes API client (for example <c>new Kubernetes(KubernetesClientConfiguration.InClusterConfig())</c>).</param>
    /// <param name="serviceAccount">The pod's own service-account name.</param>
    /// <param name="audience">The audience the Kamus decryptor expects (its <c>Kamus:Audience</c>).</param>
    /// <param name="namespace">The pod's namespace; default: read from <paramref name="namespaceFilePath"/>.</param>
    /// <param name="expiration">The requested token lifetime; default 10 minutes (the API's minimum).</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="logger">Logging (never shows the token).</param>
    /// <param name="namespaceFilePath">Where the namespace is read from when <paramref name="namespace"/> is not given.</param>
    public TokenRequestTokenSource(
        IKubernetes kubernetes,
        string serviceAccount,
        string audience,
        string? @namespace = null,
        TimeSpan? expiration = null,
        TimeProvider? timeProvider = null,
        ILogger<TokenRequestTokenSource>? logger = null,
        string? namespaceFilePath = DefaultNamespaceFilePath)
    {
        ArgumentNullException.ThrowIfNull(kubernetes);
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceAccount);
        ArgumentException.ThrowIfNullOrWhiteSpace(audience);
        var lifetime = expiration ?? TimeSpan.FromMinutes(10);
        ArgumentOutOfRangeException.ThrowIfLessThan(lifetime, TimeSpan.FromMinutes(10), nameof(expiration));
        _kubernetes = kubernetes;
        ServiceAccount = serviceAccount;
        Audience = audience;
        _namespace = @namespace;
        _namespaceFilePath = namespaceFilePath;
        _expirationSeconds = (long)lifetime.TotalSeconds;
        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _cache = new(cached => _time.GetUtcNow() < cached.RefreshAt, RequestAsync);
    }

    /// <summary>The service account whose token is requested.</summary>
    public string ServiceAccount { get; }

    /// <summary>The audience the token is bound to.</summary>
    public string Audience { get; }

    /// <inheritdoc />
    public async ValueTask<string> GetTokenAsync(CancellationToken cancellationToken = default) =>
        (await _cache.GetAsync(cancellationToken).ConfigureAwait(false)).Token;

    /// <inheritdoc />
    public void Invalidate() => _cache.Invalidate();

    /// <summary>Names the account and audience, never the token.</summary>
    public override string ToString() => $"TokenRequestTokenSource({_namespace ?? "?"}:{ServiceAccount}, audience {Audience})";

    /// <summary>Forgets the token.</summary>
    public void Dispose() => _cache.Dispose();

    private async Task<CachedToken> RequestAsync(CancellationToken cancellationToken)
    {
        var ns = _namespace ??= await ReadNamespaceAsync(cancellationToken).ConfigureAwait(false);
        var request = new Authenticationv1TokenRequest
        {
            Spec = new V1TokenRequestSpec { Audiences = [Audience], ExpirationSeconds = _expirationSeconds },
        };

        Authenticationv1TokenRequest answer;
        try
        {
            answer = await _kubernetes.CoreV1.CreateNamespacedServiceAccountTokenAsync(request, ServiceAccount, ns, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or k8s.Autorest.HttpOperationException or IOException)
        {
            var status = (e as k8s.Autorest.HttpOperationException)?.Response?.StatusCode;
            throw new KamusException(KamusErrorKind.Configuration, $"The Kubernetes TokenRequest API refused a token for {ns}:{ServiceAccount} (audience {Audience}){(status is null ? "" : $": HTTP {(int)status}")}.", status, e);
        }

        var token = answer?.Status?.Token;
        if (string.IsNullOrWhiteSpace(token))
        {
            throw new KamusException(KamusErrorKind.Configuration, $"The Kubernetes TokenRequest API answered no token for {ns}:{ServiceAccount}.");
        }

        var now = _time.GetUtcNow();
        DateTimeOffset expiresAt = answer!.Status.ExpirationTimestamp is { } expiry
            ? new DateTimeOffset(DateTime.SpecifyKind(expiry, DateTimeKind.Utc))
            : now.AddSeconds(_expirationSeconds);
        Log.TokenRequested(_logger, ns, ServiceAccount, Audience, expiresAt);
        return new CachedToken(token, JwtLifetime.RefreshAt(null, expiresAt, now));
    }

    private async Task<string> ReadNamespaceAsync(CancellationToken cancellationToken)
    {
        try
        {
            var text = _namespaceFilePath is null ? null : (await File.ReadAllTextAsync(_namespaceFilePath, cancellationToken).ConfigureAwait(false)).Trim();
            if (!string.IsNullOrEmpty(text))
            {
                return text;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new KamusException(KamusErrorKind.Configuration, $"The pod namespace file '{_namespaceFilePath}' cannot be read; pass the namespace explicitly.", innerException: e);
        }

        throw new KamusException(KamusErrorKind.Configuration, "The pod namespace is unknown; pass the namespace explicitly.");
    }

    private sealed record CachedToken(string Token, DateTimeOffset RefreshAt)
    {
        public override string ToString() => "CachedToken(redacted)";
    }
}
