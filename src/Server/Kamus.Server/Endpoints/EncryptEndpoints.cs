using Kamus.KeyManagement.Ciphertexts;
using Kamus.KeyManagement;
using Kamus.Server.Audit;
using Kamus.Server.Configuration;
using Kamus.Server.Diagnostics;
using Kamus.Wire.Formats;
using Kamus.Wire.Protocol;
using Microsoft.Extensions.Options;

namespace Kamus.Server.Endpoints;

/// <summary><c>POST /api/v1/encrypt</c> (upstream) and <c>POST /api/v2/encrypt</c> (batch, one shared data key).</summary>
internal sealed class EncryptEndpoints(CiphertextService ciphertexts, AuditLog audit, IOptions<KamusServerOptions> options, ILogger<EncryptEndpoints> logger)
{
    public const string V1Path = "/api/v1/encrypt";
    public const string V2Path = "/api/v2/encrypt";

    private readonly LimitsOptions _limits = options.Value.Limits;

    public async Task EncryptAsync(HttpContext context)
    {
        var (body, status, message) = await HttpAnswers.ReadJsonAsync(context, KamusProtocolJsonContext.Default.EncryptRequest, _limits);
        if (body is null)
        {
            await RefuseAsync(context, V1Path, "encrypt", status, message!, null);
            return;
        }

        // An empty string is a value (upstream encrypts it); only a missing one is refused.
        if (body.Data is null)
        {
            await RefuseAsync(context, V1Path, "encrypt", StatusCodes.Status400BadRequest, ErrorMessages.MissingData, null);
            return;
        }

        var invalid = EncryptTarget.Validate(body.ServiceAccount, body.Namespace, out var identity);
        if (invalid is not null)
        {
            await RefuseAsync(context, V1Path, "encrypt", StatusCodes.Status400BadRequest, invalid, identity.Name is null ? null : identity);
            return;
        }

        string ciphertext;
        try
        {
            ciphertext = await ciphertexts.EncryptAsync(identity, body.Data, context.RequestAborted);
        }
        catch (MasterKeyUnavailableException e)
        {
            await RefuseUnavailableAsync(context, V1Path, "encrypt", identity, e);
            return;
        }
        await HttpAnswers.WriteTextAsync(context, StatusCodes.Status200OK, ciphertext);
        Record(context, V1Path, "encrypt", identity, "ok", audit.IsEnabled ? CiphertextFingerprint.Of(ciphertext) : "-");
    }

    public async Task EncryptManyAsync(HttpContext context)
    {
        var (body, status, message) = await HttpAnswers.ReadJsonAsync(context, KamusProtocolJsonContext.Default.BatchEncryptRequest, _limits);
        if (body is null)
        {
            await RefuseAsync(context, V2Path, "encrypt-batch", status, message!, null);
            return;
        }

        var invalid = EncryptTarget.Validate(body.ServiceAccount, body.Namespace, out var identity);
        if (invalid is not null)
        {
            await RefuseAsync(context, V2Path, "encrypt-batch", StatusCodes.Status400BadRequest, invalid, identity.Name is null ? null : identity);
            return;
        }

        if (body.Items is null || body.Items.Count == 0)
        {
            await RefuseAsync(context, V2Path, "encrypt-batch", StatusCodes.Status400BadRequest, ErrorMessages.MissingItems, identity);
            return;
        }

        if (body.Items.Count > _limits.MaxBatchItems)
        {
            await RefuseAsync(context, V2Path, "encrypt-batch", StatusCodes.Status413PayloadTooLarge, ErrorMessages.TooLarge, identity);
            return;
        }

        foreach (var value in body.Items.Values)
        {
            if (value is null)
            {
                await RefuseAsync(context, V2Path, "encrypt-batch", StatusCodes.Status400BadRequest, ErrorMessages.MissingData, identity);
                return;
            }
        }

        if (ContextProblem(body) is { } problem)
        {
            await RefuseAsync(context, V2Path, "encrypt-batch", StatusCodes.Status400BadRequest, problem, identity);
            return;
        }

        Dictionary<string, string> items;
        try
        {
            items = await ciphertexts.EncryptManyAsync(identity, body.Items, body.Contexts, context.RequestAborted);
        }
        catch (MasterKeyUnavailableException e)
        {
            await RefuseUnavailableAsync(context, V2Path, "encrypt-batch", identity, e);
            return;
        }
        await HttpAnswers.WriteJsonAsync(context, new BatchEncryptResponse { Items = items }, KamusProtocolJsonContext.Default.BatchEncryptResponse);
        Record(context, V2Path, "encrypt-batch", identity, $"ok items={items.Count}", audit.IsEnabled ? Fingerprints.Of(items.Values) : "-");
    }

    /// <summary>The master-key backend failed: an error line, and 503 with a short message naming the reason.</summary>
    private Task RefuseUnavailableAsync(HttpContext context, string path, string action, Kamus.Wire.Identity.ServiceAccountIdentity identity, MasterKeyUnavailableException e)
    {
        KamusServerLog.MasterKeyUnavailable(logger, path, e.Reason);
        return RefuseAsync(context, path, action, StatusCodes.Status503ServiceUnavailable, ErrorMessages.MasterKeyUnavailable, identity, e.Reason);
    }

    // Bound values are v2 only; every context names a requested item and is a valid context.
    private string? ContextProblem(BatchEncryptRequest body)
    {
        if (body.Contexts is not { Count: > 0 } contexts)
        {
            return null;
        }

        if (options.Value.Encryption.Format == CiphertextWriteFormat.Upstream)
        {
            return ErrorMessages.ContextsNeedV2;
        }

        return contexts.All(pair => body.Items!.ContainsKey(pair.Key) && CiphertextContext.IsValid(pair.Value)) ? null : ErrorMessages.InvalidContexts;
    }

    private async Task RefuseAsync(HttpContext context, string path, string action, int status, string message, Kamus.Wire.Identity.ServiceAccountIdentity? identity, string? reason = null)
    {
        await HttpAnswers.WriteTextAsync(context, status, message);
        Record(context, path, action, identity, reason is null ? message : $"{message}: {reason}", "-");
    }

    private void Record(HttpContext context, string path, string action, Kamus.Wire.Identity.ServiceAccountIdentity? identity, string outcome, string fingerprints)
    {
        audit.Write(context, action, identity, outcome, fingerprints);
    }
}
