using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Polly.Timeout;

namespace Kamus.KeyManagement.Cloud;

/// <summary>
/// Turns a KMS that cannot answer into <see cref="MasterKeyUnavailableException"/>, which the endpoints answer with
/// 503 (<c>MasterKeyUnavailable</c>), never 500. The reason names the KMS, the operation and what failed (a status, an
/// error code, "timed out"), never a key or value.
/// </summary>
internal static class KmsFailure
{
    /// <summary>An outage of <paramref name="kms"/> during <paramref name="operation"/>.</summary>
    public static MasterKeyUnavailableException Unavailable(string kms, string operation, string reason, Exception? innerException = null) =>
        new($"{kms} {operation}: {reason}", innerException);

    /// <summary>
    /// The caller's master key does not exist in <paramref name="kms"/>: nothing under these settings was encrypted for
    /// the account (or its key was deleted for good), so the value is not one it can read: a refused value (403), as
    /// for a key that exists and refuses it. An answer of 503 here would turn the common mistake (a value encrypted for
    /// another application) into an outage the client retries and the alerts page on, and let any pod cause it.
    /// Because settings that name another key ring, vault, region or alias prefix look the same, the refusal is logged
    /// as a warning naming the key, for the operator. A key that still exists but is disabled or pending deletion is an
    /// outage (503), handled elsewhere.
    /// </summary>
    public static System.Security.Cryptography.CryptographicException MissingKey(ILogger logger, string kms, string operation, string key, Wire.Identity.ServiceAccountIdentity identity, Exception innerException)
    {
        Diagnostics.KamusKeyManagementLog.MissingKey(logger, kms, operation, key, identity);
        return new($"{kms} {operation}: {key} of service account {identity} does not exist.", innerException);
    }

    /// <summary>
    /// Whether <paramref name="exception"/> is a transport failure (connection, TLS, timeout) rather than an answer.
    /// A cancellation of <paramref name="cancellationToken"/> itself is the caller's, not an outage.
    /// </summary>
    public static bool IsTransport(Exception exception, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested
        && exception is HttpRequestException or TimeoutRejectedException or TaskCanceledException or TimeoutException or IOException or SocketException;

    /// <summary>
    /// An error answer: status, the KMS's error code, and its message (KMS messages name resources and principals, never
    /// request data), cut short.
    /// </summary>
    public static string Answered(int status, string? code, string? message)
    {
        var detail = string.IsNullOrWhiteSpace(message) ? string.Empty : $" ({(message.Length > 200 ? message[..200] + "..." : message).TrimEnd('.')})";
        return $"{status} {code ?? "no error code"}{detail}";
    }

    /// <summary>A short, loggable description of a transport failure.</summary>
    public static string Describe(Exception exception) => exception switch
    {
        TimeoutRejectedException or TaskCanceledException or TimeoutException => "timed out",
        HttpRequestException { HttpRequestError: not HttpRequestError.Unknown } http => $"connection failed ({http.HttpRequestError})",
        _ => $"connection failed ({exception.GetType().Name})",
    };
}
