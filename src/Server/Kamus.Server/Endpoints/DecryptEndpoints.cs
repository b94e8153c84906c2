using System.Text.Json.Serialization.Metadata;
using Kamus.KeyManagement.Ciphertexts;
using Kamus.KeyManagement;
using Kamus.Server.Audit;
using Kamus.Server.Authentication;
using Kamus.Server.Configuration;
using Kamus.Server.Diagnostics;
using Kamus.Wire.Formats;
using Kamus.Wire.Identity;
using Kamus.Wire.Protocol;
using Microsoft.Extensions.Options;

namespace Kamus.Server.Endpoints;

/// <summary>
/// <c>POST /api/v1/decrypt</c> (upstream) and <c>POST /api/v2/decrypt</c> (batch). The caller is authenticated first
/// (one token review per request at most); then each value is decrypted as the caller's service account.
/// </summary>
internal sealed class DecryptEndpoints(
    CallerAuthenticator authenticator,
    CiphertextService ciphertexts,
    AuditLog audit,
    KamusServerTelemetry metrics,
    IOptions<KamusServerOptions> options,
    ILogger<DecryptEndpoints> logger)
{
    public const string V1Path = "/api/v1/decrypt";
    public const string V2Path = "/api/v2/decrypt";

    private readonly LimitsOptions _limits = options.Value.Limits;

    public async Task DecryptAsync(HttpContext context)
    {
        if (await AcceptAsync(context, V1Path, "decrypt", KamusProtocolJsonContext.Default.DecryptRequest) is not var (identity, body))
        {
            return;
        }

        if (string.IsNullOrEmpty(body.Data))
        {
            await RefuseAsync(context, V1Path, "decrypt", StatusCodes.Status400BadRequest, ErrorMessages.MissingData, identity, "-");
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
            await RefuseAsync(context, V1Path, "decrypt", StatusCodes.Status503ServiceUnavailable, ErrorMessages.MasterKeyUnavailable, identity, "-", e.Reason);
            return;
        }

        var fingerprint = audit.IsEnabled ? CiphertextFingerprint.Of(body.Data) : "-";
        if (!result.Succeeded)
        {
            var refusal = result.Error == WireErrorKind.Forbidden ? StatusCodes.Status403Forbidden : StatusCodes.Status400BadRequest;
            var text = refusal == StatusCodes.Status403Forbidden ? ErrorMessages.Forbidden : ErrorMessages.InvalidCiphertext;
            await RefuseAsync(context, V1Path, "decrypt", refusal, text, identity, fingerprint, result.Reason);
            return;
        }

        await HttpAnswers.WriteTextAsync(context, StatusCodes.Status200OK, result.Plaintext!);
        Record(context, V1Path, "decrypt", identity, "ok", fingerprint);
    }

    public async Task DecryptManyAsync(HttpContext context)
    {
        if (await AcceptAsync(context, V2Path, "decrypt-batch", KamusProtocolJsonContext.Default.BatchDecryptRequest) is not var (identity, body))
        {
            return;
        }

        if (body.Items is null || body.Items.Count == 0)
        {
            await RefuseAsync(context, V2Path, "decrypt-batch", StatusCodes.Status400BadRequest, ErrorMessages.MissingItems, identity, "-");
            return;
        }

        if (body.Items.Count > _limits.MaxBatchItems)
        {
            await RefuseAsync(context, V2Path, "decrypt-batch", StatusCodes.Status413PayloadTooLarge, ErrorMessages.TooLarge, identity, "-");
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
            await RefuseAsync(context, V2Path, "decrypt-batch", StatusCodes.Status503ServiceUnavailable, ErrorMessages.MasterKeyUnavailable, identity, "-", e.Reason);
            return;
        }

        await HttpAnswers.WriteJsonAsync(context, new BatchDecryptResponse { Items = results }, KamusProtocolJsonContext.Default.BatchDecryptResponse);
        Record(context, V2Path, "decrypt-batch", identity, $"ok items={results.Count} failed={failed}", audit.IsEnabled ? Fingerprints.Of(body.Items) : "-");
    }

    /// <summary>
    /// Authenticates the caller, then reads the body: the token is checked before the body is read. On failure the
    /// refusal is answered and recorded, and the result is <see langword="null"/>.
    /// </summary>
    private async Task<(ServiceAccountIdentity Identity, T Body)?> AcceptAsync<T>(HttpContext context, string path, string action, JsonTypeInfo<T> type)
        where T : class
    {
        var caller = await authenticator.AuthenticateAsync(context.Request, context.RequestAborted);
        if (!caller.Succeeded)
        {
            await RefuseAsync(context, path, action, caller.StatusCode, caller.Message!, caller.Identity, "-");
            return null;
        }

        var identity = caller.Identity!.Value;
        var (body, status, message) = await HttpAnswers.ReadJsonAsync(context, type, _limits);
        if (body is null)
        {
            await RefuseAsync(context, path, action, status, message!, identity, "-");
            return null;
        }

        return (identity, body);
    }

    private async Task RefuseAsync(HttpContext context, string path, string action, int status, string message, ServiceAccountIdentity? identity, string fingerprint, string? reason = null)
    {
        await HttpAnswers.WriteTextAsync(context, status, message);
        Record(context, path, action, identity, reason is null ? message : $"{message}: {reason}", fingerprint);
    }

    private void Record(HttpContext context, string path, string action, ServiceAccountIdentity? identity, string outcome, string fingerprint)
    {
        metrics.Request(path, context.Response.StatusCode);
        audit.Write(context, action, identity, outcome, fingerprint);
    }
}
