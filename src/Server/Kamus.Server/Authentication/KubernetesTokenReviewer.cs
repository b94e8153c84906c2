using k8s.Autorest;
using k8s.Models;
using k8s;
using Kamus.Server.Configuration;
using Kamus.Server.Diagnostics;
using Kamus.Wire.Identity;
using Microsoft.Extensions.Options;

namespace Kamus.Server.Authentication;

/// <summary>
/// Reviews tokens with the Kubernetes TokenReview API (<c>POST /apis/authentication.k8s.io/v1/tokenreviews</c>) through
/// KubernetesClient: against <c>Kubernetes:ProxyUrl</c> when set, else with the in-cluster configuration. Redirects are
/// never followed (a redirected POST would carry the token elsewhere). Only users in the <c>system:serviceaccounts</c>
/// group named <c>system:serviceaccount:&lt;namespace&gt;:&lt;name&gt;</c> are service accounts.
/// </summary>
internal class KubernetesTokenReviewer : ITokenReviewer, IDisposable
{
    /// <summary>The group every service account's token review names.</summary>
    public const string ServiceAccountsGroup = "system:serviceaccounts";

    /// <summary>The user extra a pod-bound (projected) token's review names the pod in.</summary>
    public const string PodNameExtra = "authentication.kubernetes.io/pod-name";

    private readonly Lazy<IKubernetes> _client;
    private readonly bool _requirePodBound;
    private readonly string? _audience;
    private readonly TimeSpan _timeout;
    private readonly ILogger<KubernetesTokenReviewer> _logger;

    /// <summary>Creates the reviewer; the Kubernetes client is created on first use.</summary>
    public KubernetesTokenReviewer(IOptions<KubernetesOptions> kubernetes, IOptions<KamusServerOptions> kamus, ILogger<KubernetesTokenReviewer> logger)
    {
        ArgumentNullException.ThrowIfNull(kubernetes);
        ArgumentNullException.ThrowIfNull(kamus);
        var proxyUrl = kubernetes.Value.ProxyUrl;
        _timeout = kubernetes.Value.RequestTimeout;
        _audience = string.IsNullOrWhiteSpace(kamus.Value.Audience) ? null : kamus.Value.Audience;
        _requirePodBound = kamus.Value.Tokens.RequirePodBound;
        _logger = logger;
        _client = new Lazy<IKubernetes>(() => CreateClient(proxyUrl, _timeout), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <inheritdoc />
    public async Task<TokenReviewResult> ReviewAsync(string token, CancellationToken cancellationToken)
    {
        var review = new V1TokenReview
        {
            ApiVersion = "authentication.k8s.io/v1",
            Kind = "TokenReview",
            Spec = new V1TokenReviewSpec { Token = token, Audiences = _audience is null ? null : [_audience] },
        };

        var answer = await CallAsync((api, timeout) => api.AuthenticationV1.CreateTokenReviewAsync(review, cancellationToken: timeout), cancellationToken).ConfigureAwait(false);
        return answer is null ? TokenReviewResult.Unavailable : Interpret(answer.Status);
    }

    /// <summary>
    /// Whether the API server answers and lets this server create TokenReviews: a SelfSubjectAccessReview, as upstream's
    /// <c>isAlive</c> does.
    /// </summary>
    public async ValueTask<bool> CheckReachableAsync(CancellationToken cancellationToken)
    {
        var review = new V1SelfSubjectAccessReview
        {
            ApiVersion = "authorization.k8s.io/v1",
            Kind = "SelfSubjectAccessReview",
            Spec = new V1SelfSubjectAccessReviewSpec
            {
                ResourceAttributes = new V1ResourceAttributes { Group = "authentication.k8s.io", Resource = "tokenreviews", Verb = "create" },
            },
        };

        var answer = await CallAsync((api, timeout) => api.AuthorizationV1.CreateSelfSubjectAccessReviewAsync(review, cancellationToken: timeout), cancellationToken).ConfigureAwait(false);
        return answer?.Status?.Allowed == true;
    }

    // One API call under the request timeout. An API server that cannot answer (timeout, an HTTP error, no connection, no
    // in-cluster configuration) is logged by its cause, never with the request, and gives null.
    private async Task<T?> CallAsync<T>(Func<IKubernetes, CancellationToken, Task<T>> call, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_timeout);
            return await call(_client.Value, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            KamusServerLog.TokenReviewUnavailable(_logger, "timed out");
        }
        catch (HttpOperationException e)
        {
            KamusServerLog.TokenReviewUnavailable(_logger, $"answered HTTP {(int)e.Response.StatusCode}");
        }
        catch (Exception e) when (e is HttpRequestException or IOException or k8s.Exceptions.KubeConfigException or System.Text.Json.JsonException or InvalidOperationException)
        {
            KamusServerLog.TokenReviewUnavailable(_logger, Describe(e));
        }

        return null;
    }

    /// <summary>Disposes the Kubernetes client.</summary>
    public void Dispose()
    {
        if (_client.IsValueCreated)
        {
            _client.Value.Dispose();
        }
    }

    private TokenReviewResult Interpret(V1TokenReviewStatus? status)
    {
        if (status is null || status.Authenticated != true)
        {
            return TokenReviewResult.Unauthenticated;
        }

        // An audience-bound review only counts when the API server confirms the audience.
        if (_audience is not null && (status.Audiences is null || !status.Audiences.Contains(_audience, StringComparer.Ordinal)))
        {
            return TokenReviewResult.Unauthenticated;
        }

        var user = status.User;
        if (user?.Groups is not { } groups || !groups.Contains(ServiceAccountsGroup, StringComparer.Ordinal)
            || !ServiceAccountIdentity.TryParseUserName(user.Username, out var identity))
        {
            return TokenReviewResult.NotServiceAccount;
        }

        if (_requirePodBound && (user.Extra is null || !user.Extra.TryGetValue(PodNameExtra, out var pods) || pods is not { Count: > 0 } || string.IsNullOrEmpty(pods[0])))
        {
            return TokenReviewResult.NotPodBound;
        }

        return new TokenReviewResult(ReviewOutcome.Authenticated, identity);
    }

    private static Kubernetes CreateClient(Uri? proxyUrl, TimeSpan timeout)
    {
        var configuration = proxyUrl is null
            ? KubernetesClientConfiguration.InClusterConfig()
            : new KubernetesClientConfiguration { Host = proxyUrl.ToString() };
        configuration.HttpClientTimeout = timeout;
        configuration.FirstMessageHandlerSetup = NoRedirects;
        return new Kubernetes(configuration);
    }

    // Outside a pod the in-cluster configuration is missing: say what to do rather than only the exception's name.
    private static string Describe(Exception e) => e is k8s.Exceptions.KubeConfigException
        ? "no in-cluster configuration (not running in a pod?); set Kubernetes:ProxyUrl to reach an API server, or run with --dev for local development"
        : e.GetType().Name;

    // A 307/308 from a compromised or misconfigured API endpoint would re-post the review, token included, elsewhere.
    private static void NoRedirects(HttpMessageHandler handler)
    {
        switch (handler)
        {
            case SocketsHttpHandler sockets:
                sockets.AllowAutoRedirect = false;
                break;
            case HttpClientHandler client:
                client.AllowAutoRedirect = false;
                break;
            default:
                throw new InvalidOperationException($"Cannot turn off redirects on {handler.GetType().Name}.");
        }
    }
}
