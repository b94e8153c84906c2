using System.Text.Json.Serialization.Metadata;
using Kamus.Server.Audit;
using Kamus.Server.Authentication;
using Kamus.Server.Configuration;
using Kamus.Wire.Identity;
using Microsoft.Extensions.Options;

namespace Kamus.Server.Endpoints;

/// <summary>
/// The prelude and the refusals of the endpoints that act as the caller's service account (decrypt, rewrap): the
/// token is reviewed before the body is read, and every answer is counted and audited.
/// </summary>
internal sealed class AuthenticatedRequests(CallerAuthenticator authenticator, AuditLog audit, IOptions<KamusServerOptions> options)
{
    /// <summary>The request limits.</summary>
    public LimitsOptions Limits { get; } = options.Value.Limits;

    /// <summary>Whether audit lines are written (callers skip computing fingerprints otherwise).</summary>
    public bool IsAuditing => audit.IsEnabled;

    /// <summary>
    /// Authenticates the caller, then reads the body. On failure the refusal is answered and recorded, and the result
    /// is <see langword="null"/>.
    /// </summary>
    public async Task<(ServiceAccountIdentity Identity, T Body)?> AcceptAsync<T>(HttpContext context, string path, string action, JsonTypeInfo<T> type)
        where T : class
    {
        var caller = await authenticator.AuthenticateAsync(context.Request, context.RequestAborted);
        if (!caller.Succeeded)
        {
            if (caller.RetryAfter is { } retryAfter)
            {
                context.Response.Headers.RetryAfter = retryAfter;
            }

            await RefuseAsync(context, path, action, caller.StatusCode, caller.Message!, caller.Identity, "-");
            return null;
        }

        var identity = caller.Identity!.Value;
        var (body, status, message) = await HttpAnswers.ReadJsonAsync(context, type, Limits);
        if (body is null)
        {
            await RefuseAsync(context, path, action, status, message!, identity, "-");
            return null;
        }

        return (identity, body);
    }

    /// <summary>Answers a refusal and records it.</summary>
    public async Task RefuseAsync(HttpContext context, string path, string action, int status, string message, ServiceAccountIdentity? identity, string fingerprint, string? reason = null)
    {
        await HttpAnswers.WriteTextAsync(context, status, message);
        Record(context, path, action, identity, reason is null ? message : $"{message}: {reason}", fingerprint);
    }

    /// <summary>Counts and audits an answered request.</summary>
    public void Record(HttpContext context, string path, string action, ServiceAccountIdentity? identity, string outcome, string fingerprint)
    {
        audit.Write(context, action, identity, outcome, fingerprint);
    }
}
