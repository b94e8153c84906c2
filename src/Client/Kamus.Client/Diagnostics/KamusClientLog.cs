using System.Net;
using Microsoft.Extensions.Logging;

namespace Kamus.Client.Diagnostics;

/// <summary>The client's log messages. They name endpoints, statuses, counts and fingerprints: never tokens or values.</summary>
internal static partial class KamusClientLog
{
    [LoggerMessage(1, LogLevel.Warning, "Kamus URL {Url} uses plain HTTP to a non-loopback host: secrets and tokens cross the network unencrypted. Allowed by AllowInsecureHttp / KAMUS_ALLOW_INSECURE_URL.")]
    public static partial void InsecureUrlAllowed(ILogger logger, Uri url);

    [LoggerMessage(2, LogLevel.Debug, "POST {Endpoint} answered {Status} in {ElapsedMs} ms")]
    public static partial void RequestCompleted(ILogger logger, string endpoint, int status, double elapsedMs);

    [LoggerMessage(3, LogLevel.Warning, "Kamus server {Url} did not answer: {Reason}. Retry {Retry} of {MaxRetries} in {DelayMs} ms")]
    public static partial void Retrying(ILogger logger, string url, string reason, int retry, int maxRetries, long delayMs);

    [LoggerMessage(4, LogLevel.Information, "POST {Endpoint} answered 401: re-reading the service-account token and retrying once")]
    public static partial void TokenRejected(ILogger logger, string endpoint);

    [LoggerMessage(5, LogLevel.Information, "The Kamus server has no v2 API (POST {Endpoint} answered {Status}): using /api/v1 from now on")]
    public static partial void ServerWithoutV2(ILogger logger, string endpoint, HttpStatusCode status);

    [LoggerMessage(6, LogLevel.Information, "The decryptor refused a bare wrapped key but decrypted the whole value {Fingerprint}: the envelope fast path is off for this server")]
    public static partial void FastPathRefused(ILogger logger, string fingerprint);

    [LoggerMessage(7, LogLevel.Debug, "Decrypted {Count} values: {Local} locally with {Unwraps} unwrapped data keys, {Remote} remotely")]
    public static partial void DecryptedBatch(ILogger logger, int count, int local, int unwraps, int remote);

    [LoggerMessage(8, LogLevel.Warning, "Decrypting {Fingerprint} failed: {Kind}")]
    public static partial void DecryptFailed(ILogger logger, string fingerprint, KamusErrorKind kind);

    [LoggerMessage(9, LogLevel.Debug, "Read the service-account token from {Path} (expires {Expiry})")]
    public static partial void TokenRead(ILogger logger, string path, DateTimeOffset? expiry);

}
