using Kamus.KeyManagement.Offline;
using Kamus.Server.Audit;
using Kamus.Wire.Protocol;

namespace Kamus.Server.Endpoints;

/// <summary>
/// <c>GET /api/v2/publickeys/{namespace}/{serviceAccount}</c>: the account's signed offline key statement. Like
/// encryption it needs no token: a statement only lets its holder encrypt for the account.
/// </summary>
internal sealed class PublicKeyEndpoints(OfflineKeyRing? ring, TimeProvider time, AuditLog audit)
{
    public const string Route = KamusEndpoints.PublicKeysV2 + "/{namespace}/{serviceAccount}";

    private const string Action = "publickey";

    public async Task GetAsync(HttpContext context, string @namespace, string serviceAccount)
    {
        var invalid = EncryptTarget.Validate(serviceAccount, @namespace, out var identity);
        if (invalid is not null)
        {
            await HttpAnswers.WriteTextAsync(context, StatusCodes.Status400BadRequest, invalid);
            Record(context, invalid, identity.Name is null ? null : identity);
            return;
        }

        if (ring is null)
        {
            await HttpAnswers.WriteTextAsync(context, StatusCodes.Status404NotFound, ErrorMessages.OfflineKeysDisabled);
            Record(context, ErrorMessages.OfflineKeysDisabled, identity);
            return;
        }

        var statement = ring.Statement(identity, time.GetUtcNow());
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(statement.ToJson(), context.RequestAborted);
        Record(context, $"ok epoch={statement.Epoch} key={statement.KeyId}", identity);
    }

    private void Record(HttpContext context, string outcome, Kamus.Wire.Identity.ServiceAccountIdentity? identity)
    {
        audit.Write(context, Action, identity, outcome, "-");
    }
}
