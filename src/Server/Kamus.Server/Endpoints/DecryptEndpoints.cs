using Kamus.Wire.Formats;
using Kamus.Wire.Protocol;
using Kamus.KeyManagement.Ciphertexts;
using Kamus.KeyManagement;
using Kamus.Server.Diagnostics;

namespace Kamus.Server.Endpoints;

/// <summary>
/// <c>POST /api/v1/decrypt</c> (upstream) and <c>POST /api/v2/decrypt</c> (batch). The caller is authenticated first
/// (one token review per request at most); then each value is decrypted as the caller's service account.
/// </summary>
internal sealed class DecryptEndpoints(AuthenticatedRequests requests, CiphertextService ciphertexts, ILogger<DecryptEndpoints> logger)
{
    public const string V1Path = "/api/v1/decrypt";
    public const string V2Path = "/api/v2/decrypt";

    public async Task DecryptAsync(HttpContext context)
    {
        if (await requests.AcceptAsync(context, V1Path, "decrypt", KamusProtocolJsonContext.Default.DecryptRequest) is not var (identity, body))
        {
            return;
        }

        if (string.IsNullOrEmpty(body.Data))
        {
            await requests.RefuseAsync(context, V1Path, "decrypt", StatusCodes.Status400BadRequest, ErrorMessages.MissingData, identity, "-");
            return;
        }

        DecryptResult result;
        try
        {
            using var scope = new DataKeyScope();
            result = await ciphertexts.DecryptAsync(identity, body.Data, scope, context.RequestAborted);
        }
        catch (MasterKeyUnavailableException e)
        {
            KamusServerLog.MasterKeyUnavailable(logger, V1Path, e.Reason);
            await requests.RefuseAsync(context, V1Path, "decrypt", StatusCodes.Status503ServiceUnavailable, ErrorMessages.MasterKeyUnavailable, identity, "-", e.Reason);
            return;
        }

        var fingerprint = requests.IsAuditing ? CiphertextFingerprint.Of(body.Data) : "-";
        if (!result.Succeeded)
        {
            var refusal = result.Error == WireErrorKind.Forbidden ? StatusCodes.Status403Forbidden : StatusCodes.Status400BadRequest;
            var text = refusal == StatusCodes.Status403Forbidden ? ErrorMessages.Forbidden : ErrorMessages.InvalidCiphertext;
            await requests.RefuseAsync(context, V1Path, "decrypt", refusal, text, identity, fingerprint, result.Reason);
            return;
        }

        await HttpAnswers.WriteTextAsync(context, StatusCodes.Status200OK, result.Plaintext!);
        requests.Record(context, V1Path, "decrypt", identity, "ok", fingerprint);
    }

    public async Task DecryptManyAsync(HttpContext context)
    {
        if (await requests.AcceptAsync(context, V2Path, "decrypt-batch", KamusProtocolJsonContext.Default.BatchDecryptRequest) is not var (identity, body))
        {
            return;
        }

        if (body.Items is null || body.Items.Count == 0)
        {
            await requests.RefuseAsync(context, V2Path, "decrypt-batch", StatusCodes.Status400BadRequest, ErrorMessages.MissingItems, identity, "-");
            return;
        }

        if (body.Items.Count > requests.Limits.MaxBatchItems)
        {
            await requests.RefuseAsync(context, V2Path, "decrypt-batch", StatusCodes.Status413PayloadTooLarge, ErrorMessages.TooLarge, identity, "-");
            return;
        }

        var results = new List<BatchDecryptResult>(body.Items.Count);
        var failed = 0;
        try
        {
            using var scope = new DataKeyScope();
            foreach (var item in body.Items)
            {
                var result = await ciphertexts.DecryptAsync(identity, item, scope, context.RequestAborted);
                if (result.Succeeded)
                {
                    results.Add(new BatchDecryptResult { Plaintext = result.Plaintext });
                }
                else
                {
                    failed++;
                    results.Add(new BatchDecryptResult { Error = WireErrorKinds.Name(result.Error) });
                }
            }
        }
        catch (MasterKeyUnavailableException e)
        {
            // The whole batch: the caller retries it, rather than take items the backend could not answer as refusals.
            KamusServerLog.MasterKeyUnavailable(logger, V2Path, e.Reason);
            await requests.RefuseAsync(context, V2Path, "decrypt-batch", StatusCodes.Status503ServiceUnavailable, ErrorMessages.MasterKeyUnavailable, identity, "-", e.Reason);
            return;
        }

        await HttpAnswers.WriteJsonAsync(context, new BatchDecryptResponse { Items = results }, KamusProtocolJsonContext.Default.BatchDecryptResponse);
        requests.Record(context, V2Path, "decrypt-batch", identity, $"ok items={results.Count} failed={failed}", requests.IsAuditing ? Fingerprints.Of(body.Items) : "-");
    }
}
