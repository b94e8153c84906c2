using System.Net;
using Kamus.Wire.Protocol;

namespace Kamus.Client.Transport;

/// <summary>Maps a failed answer to a <see cref="KamusException"/>. Messages name the endpoint, status and fingerprint; the body is never quoted.</summary>
internal static class StatusErrors
{
    public static KamusException For(HttpStatusCode status, string endpoint, bool isDecrypt, string? fingerprint = null, string method = "POST")
    {
        var subject = fingerprint is null ? $"{method} {endpoint}" : $"Decrypting {fingerprint} ({method} {endpoint})";
        var (kind, reason) = status switch
        {
            HttpStatusCode.Unauthorized => (KamusErrorKind.Unauthorized, "the server refused the service-account token, also after re-reading it"),
            HttpStatusCode.Forbidden => (KamusErrorKind.Forbidden, isDecrypt ? "this pod's service account may not decrypt the value" : "the request was refused"),
            HttpStatusCode.BadRequest => isDecrypt ? (KamusErrorKind.InvalidCiphertext, "the value is not a valid Kamus ciphertext, or it was altered") : (KamusErrorKind.InvalidRequest, "the server refused the request as malformed"),
            HttpStatusCode.RequestEntityTooLarge => (KamusErrorKind.PayloadTooLarge, "the request is larger than the server accepts"),
            HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed => (KamusErrorKind.Configuration, "the URL does not serve the Kamus API"),
            HttpStatusCode.TooManyRequests => (KamusErrorKind.RateLimited, "the server kept rejecting calls after every retry"),
            HttpStatusCode.RequestTimeout => (KamusErrorKind.Unavailable, "the server kept timing out after every retry"),
            _ when (int)status >= 500 => (KamusErrorKind.Unavailable, "the server kept failing after every retry"),
            _ => (KamusErrorKind.Protocol, "the server answered an unexpected status"),
        };

        return new KamusException(kind, $"{subject} failed with HTTP {(int)status}: {reason}.", status) { CiphertextFingerprint = fingerprint };
    }

    /// <summary>A copy of a whole-call failure for one item, naming that item's fingerprint.</summary>
    public static KamusException ForItem(KamusException callFailure, string fingerprint) =>
        new(callFailure.Kind, $"Decrypting {fingerprint} failed: {callFailure.Message}", callFailure.Status, callFailure) { CiphertextFingerprint = fingerprint };

    /// <summary>The public kind of a wire error kind.</summary>
    public static KamusErrorKind KindOf(WireErrorKind kind) => kind switch
    {
        WireErrorKind.Forbidden => KamusErrorKind.Forbidden,
        WireErrorKind.InvalidCiphertext => KamusErrorKind.InvalidCiphertext,
        WireErrorKind.Unavailable => KamusErrorKind.Unavailable,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>An item failure reported by the v2 batch API.</summary>
    public static KamusException ForBatchItem(KamusErrorKind kind, string fingerprint) =>
        new(kind, $"Decrypting {fingerprint} failed: the server answered {kind}.") { CiphertextFingerprint = fingerprint };
}
