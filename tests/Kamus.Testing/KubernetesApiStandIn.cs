using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Kamus.Testing.Kubernetes;

namespace Kamus.Testing;

/// <summary>
/// A Kubernetes API stand-in on loopback answering <c>POST /apis/authentication.k8s.io/v1/tokenreviews</c> with the real
/// TokenReview JSON shapes: authenticated (with user and audiences), unauthenticated (with <c>status.error</c>), audience
/// mismatches and expired tokens; it can also fail (5xx, 403, dropped connections), redirect the review elsewhere
/// (307, as a compromised or misconfigured endpoint could), or be stopped (unreachable). Service-account users get the
/// groups and pod-name extra a real API server gives projected tokens, unless a test overrides them. It does not verify
/// signatures, model RBAC, or the bound-object checks of a real API server.
/// It also serves namespaced resources (Secrets, Events, Leases, KamusSecrets) as the API server does, for the
/// KamusSecret controller: see <see cref="Objects"/> (what is modelled is listed there) and <see cref="Requests"/>.
/// </summary>
public sealed class KubernetesApiStandIn : IAsyncDisposable
{
    /// <summary>The audience the API server uses when a review names none (a cluster's default API audience).</summary>
    public const string DefaultApiAudience = "https://kubernetes.default.svc.cluster.local";

    /// <summary>The TokenReview path.</summary>
    public const string TokenReviewPath = "/apis/authentication.k8s.io/v1/tokenreviews";

    /// <summary>The SelfSubjectAccessReview path (upstream's <c>isAlive</c> asks whether it may create TokenReviews).</summary>
    public const string AccessReviewPath = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";

    private readonly ConcurrentDictionary<string, KnownToken> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<IReadOnlyList<string>> _requestedAudiences = new();
    private readonly LoopbackStandInHost _host;
    private int _reviewCount;
    private int _accessReviewCount;

    private KubernetesApiStandIn(LoopbackStandInHost host, ObjectStore objects, ApiRequestLog requests, WatchOptions watch)
    {
        _host = host;
        Objects = objects;
        Requests = requests;
        Watch = watch;
    }

    /// <summary>The objects served (CRUD, list, watch, status subresource, garbage collection), for arranging and inspecting state.</summary>
    public ObjectStore Objects { get; }

    /// <summary>Every resource request answered, in RBAC terms, and a hook to refuse chosen ones.</summary>
    public ApiRequestLog Requests { get; }

    /// <summary>How watches behave (bookmark interval).</summary>
    public WatchOptions Watch { get; }

    /// <summary>The stand-in's base URL (<c>http://127.0.0.1:port/</c>), for <c>Kubernetes:ProxyUrl</c>.</summary>
    public Uri Url => _host.Url;

    /// <summary>How many TokenReview requests arrived (answered or failed on purpose).</summary>
    public int ReviewCount => Volatile.Read(ref _reviewCount);

    /// <summary>The <c>spec.audiences</c> of every review received, in order.</summary>
    public IReadOnlyList<IReadOnlyList<string>> RequestedAudiences => [.. _requestedAudiences];

    /// <summary>Whether a SelfSubjectAccessReview for creating TokenReviews is allowed (false models missing RBAC).</summary>
    public bool AllowsTokenReviews { get; set; } = true;

    /// <summary>How many SelfSubjectAccessReview requests arrived.</summary>
    public int AccessReviewCount => Volatile.Read(ref _accessReviewCount);

    /// <summary>Makes the stand-in fail on purpose (TokenReviews and SelfSubjectAccessReviews alike). Settable at any time.</summary>
    public StandInFailure Failure { get; set; }

    /// <summary>Where <see cref="StandInFailure.Redirect"/> sends reviews (a 307 with this <c>Location</c>).</summary>
    public Uri? RedirectTarget { get; set; }

    /// <summary>The clock that decides whether a token has expired.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Starts a stand-in on 127.0.0.1 and a free port.</summary>
    public static async Task<KubernetesApiStandIn> StartAsync(CancellationToken cancellationToken = default)
    {
        KubernetesApiStandIn? standIn = null;
        var objects = new ObjectStore(ApiResource.Defaults, () => standIn!.TimeProvider.GetUtcNow());
        var requests = new ApiRequestLog();
        var watch = new WatchOptions();
        var host = await LoopbackStandInHost.StartAsync(
            app =>
            {
                app.MapPost(TokenReviewPath, context => standIn!.HandleAsync(context));
                app.MapPost(AccessReviewPath, context => standIn!.HandleAccessReviewAsync(context));
                new ResourceRoutes(objects, watch, () => standIn!.TimeProvider, requests).Map(app);
            },
            cancellationToken);
        standIn = new KubernetesApiStandIn(host, objects, requests, watch);
        return standIn;
    }

    /// <summary>
    /// Registers a service-account token. <paramref name="audiences"/> are the token's audiences (default: the API's own);
    /// after <paramref name="expiresAt"/> (by <see cref="TimeProvider"/>) the token is reviewed as expired.
    /// </summary>
    /// <remarks>A <paramref name="podBound"/> token's review names its pod (<c>authentication.kubernetes.io/pod-name</c>), as a projected token's does; a legacy Secret-based token's does not.</remarks>
    public void AddToken(string token, string @namespace, string serviceAccount, IEnumerable<string>? audiences = null, DateTimeOffset? expiresAt = null, bool podBound = true) =>
        AddUser(token, $"system:serviceaccount:{@namespace}:{serviceAccount}", audiences, expiresAt, podName: podBound ? $"{serviceAccount}-pod" : null);

    /// <summary>
    /// Registers a token of any user name (for example <c>alice</c> or <c>system:node:n1</c>, which are not service accounts).
    /// <paramref name="groups"/> replaces the groups a real API server would give the name (for example a webhook
    /// authenticator's user that only looks like a service account); <paramref name="podName"/> is the pod-name extra.
    /// </summary>
    public void AddUser(string token, string userName, IEnumerable<string>? audiences = null, DateTimeOffset? expiresAt = null, IEnumerable<string>? groups = null, string? podName = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        ArgumentException.ThrowIfNullOrEmpty(userName);
        _tokens[token] = new KnownToken(userName, audiences?.ToArray() ?? [DefaultApiAudience], expiresAt, groups?.ToArray(), podName);
    }

    /// <summary>Forgets a token: it is reviewed as invalid from now on.</summary>
    public void RemoveToken(string token) => _tokens.TryRemove(token, out _);

    /// <summary>Resets <see cref="ReviewCount"/> and <see cref="RequestedAudiences"/>.</summary>
    public void ResetCounts()
    {
        Interlocked.Exchange(ref _reviewCount, 0);
        _requestedAudiences.Clear();
    }

    /// <summary>
    /// A JWT-shaped token (unsigned: the stand-in does not verify signatures) for a service account, with an <c>exp</c>
    /// claim, as projected service-account tokens have. It is registered when <paramref name="register"/> is true.
    /// </summary>
    public string CreateJwt(string @namespace, string serviceAccount, DateTimeOffset expiresAt, bool register = true)
    {
        static string Part(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var payload = new JsonObject
        {
            ["aud"] = new JsonArray(DefaultApiAudience),
            ["exp"] = expiresAt.ToUnixTimeSeconds(),
            ["iss"] = "https://kubernetes.default.svc.cluster.local",
            ["sub"] = $"system:serviceaccount:{@namespace}:{serviceAccount}",
            ["jti"] = Guid.NewGuid().ToString(),
        };
        var token = $"{Part("{\"alg\":\"RS256\",\"kid\":\"stand-in\"}")}.{Part(payload.ToJsonString())}.c3RhbmQtaW4tc2lnbmF0dXJl";
        if (register)
        {
            AddToken(token, @namespace, serviceAccount, expiresAt: expiresAt);
        }

        return token;
    }

    /// <summary>Stops listening: from now on the API is unreachable (connection refused).</summary>
    public Task StopAsync()
    {
        Objects.DropWatches();
        return _host.StopAsync();
    }

    /// <summary>Stops and disposes the stand-in.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _host.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _reviewCount);
        switch (Failure)
        {
            case StandInFailure.Abort:
                context.Abort();
                return;
            case StandInFailure.ServerError:
                await ApiAnswers.WriteStatusAsync(context, 500, "InternalError", "the stand-in fails on purpose");
                return;
            case StandInFailure.ServiceUnavailable:
                await ApiAnswers.WriteStatusAsync(context, 503, "ServiceUnavailable", "the stand-in is unavailable on purpose");
                return;
            case StandInFailure.Redirect:
                context.Response.StatusCode = 307;
                context.Response.Headers.Location = new Uri(RedirectTarget!, TokenReviewPath.TrimStart('/')).ToString();
                return;
            case StandInFailure.Forbidden:
                await ApiAnswers.WriteStatusAsync(context, 403, "Forbidden", "tokenreviews.authentication.k8s.io is forbidden: User \"system:serviceaccount:kamus:kamus\" cannot create resource \"tokenreviews\"");
                return;
        }

        JsonNode? request;
        try
        {
            request = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        }
        catch (JsonException)
        {
            await ApiAnswers.WriteStatusAsync(context, 400, "BadRequest", "the body is not JSON");
            return;
        }

        if (request?["kind"]?.GetValue<string>() != "TokenReview" || request["apiVersion"]?.GetValue<string>() != "authentication.k8s.io/v1"
            || request["spec"]?["token"]?.GetValue<string>() is not { Length: > 0 } token)
        {
            await ApiAnswers.WriteStatusAsync(context, 400, "BadRequest", "a TokenReview with spec.token is required");
            return;
        }

        var requested = request["spec"]?["audiences"]?.AsArray().Select(a => a!.GetValue<string>()).ToArray() ?? [];
        _requestedAudiences.Enqueue(requested);
        var status = Review(token, requested);
        var answer = new JsonObject
        {
            ["kind"] = "TokenReview",
            ["apiVersion"] = "authentication.k8s.io/v1",
            ["metadata"] = new JsonObject { ["creationTimestamp"] = null },
            ["spec"] = request["spec"]!.DeepClone(),
            ["status"] = status,
        };
        context.Response.StatusCode = 201;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(answer.ToJsonString(), context.RequestAborted);
    }

    // The shape of a real answer: the request's spec back, and status.allowed (with a reason when denied).
    private async Task HandleAccessReviewAsync(HttpContext context)
    {
        Interlocked.Increment(ref _accessReviewCount);
        if (Failure != StandInFailure.None)
        {
            await (Failure == StandInFailure.Abort ? Task.Run(context.Abort) : ApiAnswers.WriteStatusAsync(context, 503, "ServiceUnavailable", "the stand-in fails on purpose"));
            return;
        }

        var request = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        var attributes = request?["spec"]?["resourceAttributes"];
        var allowed = AllowsTokenReviews && attributes?["group"]?.GetValue<string>() == "authentication.k8s.io"
            && attributes["resource"]?.GetValue<string>() == "tokenreviews" && attributes["verb"]?.GetValue<string>() == "create";
        var status = new JsonObject { ["allowed"] = allowed };
        if (!allowed)
        {
            status["reason"] = "no RBAC policy matched";
        }

        var answer = new JsonObject
        {
            ["kind"] = "SelfSubjectAccessReview",
            ["apiVersion"] = "authorization.k8s.io/v1",
            ["metadata"] = new JsonObject { ["creationTimestamp"] = null },
            ["spec"] = request?["spec"]?.DeepClone(),
            ["status"] = status,
        };
        context.Response.StatusCode = 201;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(answer.ToJsonString(), context.RequestAborted);
    }

    private JsonObject Review(string token, string[] requestedAudiences)
    {
        if (!_tokens.TryGetValue(token, out var known))
        {
            return Unauthenticated("[invalid bearer token, token lookup failed]");
        }

        if (known.ExpiresAt is { } expiry && expiry <= TimeProvider.GetUtcNow())
        {
            return Unauthenticated("[invalid bearer token, service account token has expired]");
        }

        var targets = requestedAudiences.Length == 0 ? [DefaultApiAudience] : requestedAudiences;
        var matched = targets.Intersect(known.Audiences, StringComparer.Ordinal).ToArray();
        if (matched.Length == 0)
        {
            return Unauthenticated("[invalid bearer token, token audiences [\"" + string.Join("\",\"", known.Audiences) + "\"] is invalid for the target audiences [\"" + string.Join("\",\"", targets) + "\"]]");
        }

        var user = new JsonObject { ["username"] = known.UserName, ["uid"] = Guid.NewGuid().ToString() };
        var parts = known.UserName.Split(':');
        var groups = known.Groups ?? (parts.Length == 4 && parts[0] == "system" && parts[1] == "serviceaccount"
            ? ["system:serviceaccounts", $"system:serviceaccounts:{parts[2]}", "system:authenticated"]
            : ["system:authenticated"]);
        user["groups"] = new JsonArray([.. groups.Select(g => (JsonNode)JsonValue.Create(g))]);
        if (known.PodName is not null)
        {
            user["extra"] = new JsonObject { ["authentication.kubernetes.io/pod-name"] = new JsonArray(known.PodName) };
        }

        return new JsonObject
        {
            ["authenticated"] = true,
            ["user"] = user,
            ["audiences"] = new JsonArray([.. matched.Select(a => (JsonNode)JsonValue.Create(a))]),
        };
    }

    private static JsonObject Unauthenticated(string error) => new() { ["user"] = new JsonObject(), ["error"] = error };

    private sealed record KnownToken(string UserName, string[] Audiences, DateTimeOffset? ExpiresAt, string[]? Groups, string? PodName);
}
