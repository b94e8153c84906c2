using System.Net;
using Kamus.Wire.Protocol;

namespace Kamus.Client.Transport;

/// <summary>Maps a failed answer to a <see cref="KamusException"/>. Messages name the endpoint, status and fingerprint; the body is never quoted.</summary>
internal static class StatusErrors
{
    /// <summary>What to do about a value this service account may not decrypt.</summary>
    public const string ForbiddenHint =
        "it was encrypted for another service account (or altered); encrypt it again for the service account this pod runs as: kamus encrypt -n <namespace> -a <service-account>";

    /// <summary>The failure of <paramref name="response"/>, naming the URL that answered.</summary>
    public static KamusException For(KamusResponse response, bool isDecrypt, string? fingerprint = null) =>
        For(response.Status, response.Url ?? "?", isDecrypt, fingerprint);

    public static KamusException For(HttpStatusCode status, string url, bool isDecrypt, string? fingerprint = null)
    {
        var subject = fingerprint is null ? $"POST {url}" : $"Decrypting {fingerprint} (POST {url})";
        var (kind, reason) = status switch
        {
            HttpStatusCode.Unauthorized => (KamusErrorKind.Unauthorized, "the server refused the service-account token, also after re-reading it (check TOKEN_FILE_PATH, and that the server's audience matches the token's)"),
            HttpStatusCode.Forbidden => (KamusErrorKind.Forbidden, isDecrypt ? "this pod's service account may not decrypt the value: " + ForbiddenHint : "the request was refused"),
            HttpStatusCode.BadRequest => isDecrypt ? (KamusErrorKind.InvalidCiphertext, "the value is not a valid Kamus ciphertext, or it was altered") : (KamusErrorKind.InvalidRequest, "the server refused the request as malformed"),
            HttpStatusCode.RequestEntityTooLarge => (KamusErrorKind.PayloadTooLarge, "the request is larger than the server accepts"),
            HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed => (KamusErrorKind.Configuration, "the URL does not serve the Kamus API (check the host and any path prefix of the Kamus URL)"),
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
        new(kind, $"Decrypting {fingerprint} failed: the server answered {kind}{(kind == KamusErrorKind.Forbidden ? ": " + ForbiddenHint : string.Empty)}.") { CiphertextFingerprint = fingerprint };
}
