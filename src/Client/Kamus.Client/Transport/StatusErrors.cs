using System.Net;
using Kamus.Wire.Protocol;

namespace Kamus.Client.Transport;

/// <summary>
/// What a failed answer means: its <see cref="KamusErrorKind"/> and a reason. Messages name the URL that answered
/// (else the endpoint) and the status; the body is never quoted.
/// </summary>
internal static class StatusErrors
{
    /// <summary>What to do about a value this service account may not decrypt.</summary>
    public const string ForbiddenHint =
        "re-encrypt it for this pod's namespace and service account (kamus encrypt -n <namespace> -a <service-account>)";

    /// <summary>A whole call's failure, naming the URL that answered.</summary>
    public static KamusException For(KamusResponse response, string endpoint, bool isDecrypt) =>
        For(response.Status, response.Url ?? endpoint, isDecrypt);

    /// <summary>One value's failure on the one-value endpoint, naming the URL that answered.</summary>
    public static DecryptOutcome ForValue(string ciphertext, KamusResponse response, string endpoint) =>
        ForValue(ciphertext, response.Status, response.Url ?? endpoint);

    /// <summary>A whole call's failure (encrypt, a batch that failed as a whole, or the GET of a key statement).</summary>
    public static KamusException For(HttpStatusCode status, string endpoint, bool isDecrypt, string method = "POST")
    {
        var (kind, reason) = Describe(status, endpoint, isDecrypt, method);
        return new KamusException(kind, reason, status);
    }

    /// <summary>One value's failure on the one-value endpoint.</summary>
    public static DecryptOutcome ForValue(string ciphertext, HttpStatusCode status, string endpoint)
    {
        var (kind, reason) = Describe(status, endpoint, isDecrypt: true);
        return DecryptOutcome.Failed(ciphertext, kind, reason, status);
    }

    /// <summary>One value's failure reported by the batch endpoint.</summary>
    public static DecryptOutcome ForBatchItem(string ciphertext, WireErrorKind kind) =>
        DecryptOutcome.Failed(ciphertext, KindOf(kind), $"the server answered {WireErrorKinds.Name(kind)}{(kind == WireErrorKind.Forbidden ? ": " + ForbiddenHint : string.Empty)}");

    /// <summary>The public kind of a wire error kind.</summary>
    public static KamusErrorKind KindOf(WireErrorKind kind) => kind switch
    {
        WireErrorKind.Forbidden => KamusErrorKind.Forbidden,
        WireErrorKind.InvalidCiphertext => KamusErrorKind.InvalidCiphertext,
        WireErrorKind.Unavailable => KamusErrorKind.Unavailable,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static (KamusErrorKind Kind, string Reason) Describe(HttpStatusCode status, string endpoint, bool isDecrypt, string method = "POST")
    {
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

        return (kind, $"{method} {endpoint} failed with HTTP {(int)status}: {reason}.");
    }
}
