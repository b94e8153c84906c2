using Kamus.KeyManagement;
using Kamus.Server.Authentication;

namespace Kamus.Server.Endpoints;

/// <summary>
/// <c>GET /healthz</c>, the liveness probe: <c>ok</c>, or 503 when the master key backend (an HSM) stopped working, so
/// the pod is restarted. <c>GET /api/v1/isAlive</c>, upstream's path: <c>true</c> only when both the key backend and
/// the Kubernetes API (may this server create TokenReviews?) answer, else <c>false</c> (HTTP 200 either way, as
/// upstream answers), for monitoring; it is no probe, since a Kubernetes API outage must not restart every pod.
/// </summary>
internal static class HealthEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/isAlive", static async context =>
        {
            var health = context.RequestServices.GetRequiredService<HealthChecks>();
            var alive = await health.IsBackendHealthyAsync(context.RequestAborted) && await health.IsKubernetesReachableAsync(context.RequestAborted);
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.WriteAsync(alive ? "true" : "false", context.RequestAborted);
        });
        app.MapGet("/healthz", static async context =>
        {
            var healthy = await context.RequestServices.GetRequiredService<HealthChecks>().IsBackendHealthyAsync(context.RequestAborted);
            await (healthy
                ? HttpAnswers.WriteTextAsync(context, StatusCodes.Status200OK, "ok")
                : HttpAnswers.WriteTextAsync(context, StatusCodes.Status503ServiceUnavailable, ErrorMessages.MasterKeyUnavailable));
        });
    }
}

/// <summary>
/// The health checks behind the probes, each result kept for <see cref="Freshness"/> so that the unauthenticated
/// endpoints cost at most one HSM round trip and one SelfSubjectAccessReview per period, however often they are called.
/// </summary>
internal sealed class HealthChecks(IMasterKeyProvider keys, ITokenReviewer reviewer, TimeProvider time)
{
    /// <summary>How long a result is reused.</summary>
    public static readonly TimeSpan Freshness = TimeSpan.FromSeconds(5);

    private readonly CachedCheck _backend = new(keys.CheckHealthAsync, time);
    private readonly CachedCheck _kubernetes = new(reviewer.CheckReachableAsync, time);

    public ValueTask<bool> IsBackendHealthyAsync(CancellationToken cancellationToken) => _backend.GetAsync(cancellationToken);

    public ValueTask<bool> IsKubernetesReachableAsync(CancellationToken cancellationToken) => _kubernetes.GetAsync(cancellationToken);

    // One check at a time: callers arriving while it runs share it.
    private sealed class CachedCheck(Func<CancellationToken, ValueTask<bool>> check, TimeProvider time)
    {
        private readonly Lock _gate = new();
        private Task<bool>? _running;
        private (bool Result, DateTimeOffset At)? _last;

        public async ValueTask<bool> GetAsync(CancellationToken cancellationToken)
        {
            Task<bool> running;
            lock (_gate)
            {
                if (_last is { } last && time.GetUtcNow() - last.At < Freshness)
                {
                    return last.Result;
                }

                // Started on the pool, so that its completion (which clears _running under the lock) follows this assignment.
                running = _running ??= Task.Run(RunAsync, CancellationToken.None);
            }

            return await running.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        // Not the caller's token: a probe that gives up must not leave a half-made result for the next one.
        private async Task<bool> RunAsync()
        {
            var result = false;
            try
            {
                result = await check(CancellationToken.None).ConfigureAwait(false);
                return result;
            }
            finally
            {
                lock (_gate)
                {
                    _last = (result, time.GetUtcNow());
                    _running = null;
                }
            }
        }
    }
}
