using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Kamus.Server.Endpoints;

namespace Kamus.Server.Authentication;

/// <summary>
/// A per-client fixed-window limit (a client is its remote IP address): <c>N</c> permits a minute, no queue. Used for
/// the encrypt endpoints (as an ASP.NET Core rate-limiting policy) and for the TokenReviews a client causes.
/// </summary>
internal static class ClientRateLimiter
{
    /// <summary>The policy name of the encrypt endpoints.</summary>
    public const string EncryptPolicy = "kamus-encrypt";

    /// <summary>The partition of <paramref name="context"/>'s client, or no limit when <paramref name="permitsPerMinute"/> is 0.</summary>
    public static RateLimitPartition<IPAddress> PartitionFor(HttpContext context, int permitsPerMinute)
    {
        var client = context.Connection.RemoteIpAddress ?? IPAddress.None;
        return permitsPerMinute <= 0
            ? RateLimitPartition.GetNoLimiter(client)
            : RateLimitPartition.GetFixedWindowLimiter(client, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = permitsPerMinute,
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            });
    }

    /// <summary>A limiter over requests, <paramref name="permitsPerMinute"/> per client.</summary>
    public static PartitionedRateLimiter<HttpContext> Create(int permitsPerMinute) =>
        PartitionedRateLimiter.Create<HttpContext, IPAddress>(context => PartitionFor(context, permitsPerMinute));

    /// <summary>Writes a 429 with <c>Retry-After</c> (whole seconds, at least 1).</summary>
    public static Task RejectAsync(HttpContext context, RateLimitLease lease, CancellationToken cancellationToken)
    {
        context.Response.Headers.RetryAfter = RetryAfterSeconds(lease);
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(ErrorMessages.TooManyRequests, cancellationToken);
    }

    /// <summary>The <c>Retry-After</c> value of a refused lease.</summary>
    public static string RetryAfterSeconds(RateLimitLease lease)
    {
        ArgumentNullException.ThrowIfNull(lease);
        var seconds = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? Math.Ceiling(retryAfter.TotalSeconds) : 60;
        return Math.Max(1, seconds).ToString(CultureInfo.InvariantCulture);
    }
}
