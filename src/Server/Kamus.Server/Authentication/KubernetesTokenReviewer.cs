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
/// KubernetesClient: against <c>Kubernetes:ProxyUrl</c> when set, else with the in-cluster configuration.
/// </summary>
internal class KubernetesTokenReviewer : ITokenReviewer, IDisposable
{
    private readonly Lazy<IKubernetes> _client;
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

        V1TokenReview answer;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_timeout);
            answer = await _client.Value.AuthenticationV1.CreateTokenReviewAsync(review, cancellationToken: timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            KamusServerLog.TokenReviewUnavailable(_logger, "timed out");
            return TokenReviewResult.Unavailable;
        }
        catch (HttpOperationException e)
        {
            KamusServerLog.TokenReviewUnavailable(_logger, $"answered HTTP {(int)e.Response.StatusCode}");
            return TokenReviewResult.Unavailable;
        }
        catch (Exception e) when (e is HttpRequestException or IOException or k8s.Exceptions.KubeConfigException or System.Text.Json.JsonException or InvalidOperationException)
        {
            KamusServerLog.TokenReviewUnavailable(_logger, e.GetType().Name);
            return TokenReviewResult.Unavailable;
        }

        return Interpret(answer.Status);
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

        return ServiceAccountIdentity.TryParseUserName(status.User?.Username, out var identity)
            ? new TokenReviewResult(ReviewOutcome.Authenticated, identity)
            : TokenReviewResult.NotServiceAccount;
    }

    private static Kubernetes CreateClient(Uri? proxyUrl, TimeSpan timeout)
    {
        var configuration = proxyUrl is null
            ? KubernetesClientConfiguration.InClusterConfig()
            : new KubernetesClientConfiguration { Host = proxyUrl.ToString() };
        configuration.HttpClientTimeout = timeout;
        return new Kubernetes(configuration);
    }
}
