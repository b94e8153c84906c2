using Kamus.KeyManagement;
using Kamus.KeyManagement.Ciphertexts;
using Kamus.Wire.Protocol;
using Kamus.Server.Diagnostics;

namespace Kamus.Server.Endpoints;

/// <summary>
/// <c>POST /api/v2/rewrap</c>: re-encrypts a service account's values under the current key and provider, inside the
/// server, answering only ciphertexts. The caller must hold a token of that very service account (the body names it
/// too, so a token for the wrong account is refused rather than used): rewrap then grants nothing beyond decrypt,
/// which that caller already has. Without the token, a rewrap oracle would tell which altered upstream CBC values
/// still open (a padding oracle), and so leak their plaintext one byte at a time.
/// </summary>
internal sealed class RewrapEndpoints(AuthenticatedRequests requests, CiphertextRewrapper rewrapper, ILogger<RewrapEndpoints> logger)
{
    public const string Path = KamusEndpoints.RewrapV2;

    private const string Action = "rewrap";

    public async Task RewrapAsync(HttpContext context)
    {
        if (await requests.AcceptAsync(context, Path, Action, KamusProtocolJsonContext.Default.RewrapRequest) is not var (caller, body))
        {
            return;
        }

        var invalid = EncryptTarget.Validate(body.ServiceAccount, body.Namespace, out var target);
        if (invalid is not null)
        {
            await requests.RefuseAsync(context, Path, Action, StatusCodes.Status400BadRequest, invalid, caller, "-");
            return;
        }

        if (target != caller)
        {
            await requests.RefuseAsync(context, Path, Action, StatusCodes.Status403Forbidden, ErrorMessages.Forbidden, caller, "-", $"the token is not {target}'s");
            return;
        }

        if (body.Items is null || body.Items.Count == 0)
        {
            await requests.RefuseAsync(context, Path, Action, StatusCodes.Status400BadRequest, ErrorMessages.MissingItems, caller, "-");
            return;
        }

        if (body.Items.Count > requests.Limits.MaxBatchItems)
        {
            await requests.RefuseAsync(context, Path, Action, StatusCodes.Status413PayloadTooLarge, ErrorMessages.TooLarge, caller, "-");
            return;
        }

        RewrapItemResult[] outcomes;
        try
        {
            outcomes = await rewrapper.RewrapAsync(caller, body.Items, context.RequestAborted);
        }
        catch (MasterKeyUnavailableException e)
        {
            KamusServerLog.MasterKeyUnavailable(logger, Path, e.Reason);
            await requests.RefuseAsync(context, Path, Action, StatusCodes.Status503ServiceUnavailable, ErrorMessages.MasterKeyUnavailable, caller, "-", e.Reason);
            return;
        }

        var results = new List<RewrapResult>(outcomes.Length);
        var failed = 0;
        foreach (var outcome in outcomes)
        {
            if (outcome.Succeeded)
            {
                results.Add(new RewrapResult { Data = outcome.Ciphertext });
            }
            else
            {
                failed++;
                results.Add(new RewrapResult { Error = WireErrorKinds.Name(outcome.Failure.Error) });
            }
        }

        await HttpAnswers.WriteJsonAsync(context, new RewrapResponse { Items = results }, KamusProtocolJsonContext.Default.RewrapResponse);
        requests.Record(context, Path, Action, caller, $"ok items={results.Count} failed={failed}", requests.IsAuditing ? Fingerprints.Of(body.Items) : "-");
    }
}
