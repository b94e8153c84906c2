namespace Kamus.Server.Diagnostics;

/// <summary>
/// The server's log messages (source-generated). They name paths, key ids, counts and reasons: never values, tokens
/// or keys. Audit lines have their own category and writer (<see cref="Audit.AuditLog"/>).
/// </summary>
internal static partial class KamusServerLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "DEVELOPMENT MODE: tokens are checked against a static map of {Count} tokens instead of the Kubernetes TokenReview API. Never use this in production.")]
    public static partial void DevelopmentMode(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "INSECURE: no master key is configured, so the well-known development key (key id 'dev') is in use. Anything encrypted now is readable by anyone.")]
    public static partial void DevelopmentKey(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "KeyManagement:AES:UseKeyDeriviation is false: upstream-format values are encrypted under the master key itself, shared by every service account. Any account could decrypt another's upstream values if it got hold of them; set it to true for new deployments (v2 values always use per-account keys).")]
    public static partial void SharedUpstreamKey(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "PKCS#11: master keys in token '{Token}' [{HsmKeyIds}] wrap and unwrap inside the module; legacy in-memory keys (unwrap only) [{LegacyKeyIds}].")]
    public static partial void Hsm(ILogger logger, string token, string hsmKeyIds, string legacyKeyIds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "PKCS#11: {Warning}.")]
    public static partial void HsmKeyWarning(ILogger logger, string warning);

    [LoggerMessage(Level = LogLevel.Information, Message = "Kamus server: key ids [{KeyIds}], current {CurrentKeyId}, writes {Format}, reviews tokens with {Reviewer}, audience {Audience}.")]
    public static partial void Keys(ILogger logger, string keyIds, string currentKeyId, string format, string reviewer, string audience);

    [LoggerMessage(Level = LogLevel.Warning, Message = "INSECURE: {Settings} is the key upstream Kamus's Helm chart published as its default; anything encrypted under it is readable by anyone. Old values still decrypt: add a new key to KeyManagement:KeyRing, make it current, re-encrypt, then remove this one (docs/deploy.md, \"Rotating the master key\").")]
    public static partial void PublishedKey(ILogger logger, string settings);

    [LoggerMessage(Level = LogLevel.Warning, Message = "INSECURE: offline encryption keys are derived from the development key; anyone can derive them.")]
    public static partial void DevelopmentOfflineKeys(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Offline encryption: key epoch {Epoch}; key statements are signed by the key with SHA-256 fingerprint {SignerFingerprint} (publish it for users to pin).")]
    public static partial void OfflineKeys(ILogger logger, int epoch, string signerFingerprint);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cloud KMS: {Kms} wraps new values under key id {KeyId}, with a key per service account; legacy in-memory keys (unwrap only) [{LegacyKeyIds}].")]
    public static partial void Cloud(ILogger logger, string kms, string keyId, string legacyKeyIds);

    [LoggerMessage(Level = LogLevel.Error, Message = "The Kubernetes TokenReview API is unavailable: {Reason}.")]
    public static partial void TokenReviewUnavailable(ILogger logger, string reason);

    /// <summary>The error line of a request the master-key backend could not serve (like the TokenReview reviewer's own).</summary>
    [LoggerMessage(Level = LogLevel.Error, Message = "The master key backend is unavailable while serving {Path}: {Reason}.")]
    public static partial void MasterKeyUnavailable(ILogger logger, string path, string reason);

    /// <summary>Logged by exception type only, since messages of low-level exceptions may quote input.</summary>
    [LoggerMessage(Level = LogLevel.Error, Message = "Unexpected {ExceptionType} while serving {Path}.")]
    public static partial void Unexpected(ILogger logger, string exceptionType, string path);
}
