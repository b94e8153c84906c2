using System.Net;

namespace Kamus.Client;

/// <summary>
/// The one exception type of Kamus for .NET. <see cref="Kind"/> says what went wrong, machine-readably.
/// Messages name reasons, service accounts and ciphertext fingerprints, never plaintext, tokens or keys.
/// </summary>
public sealed class KamusException : Exception
{
    /// <summary>Creates an exception.</summary>
    /// <param name="kind">What went wrong (callers branch on it, not on the message).</param>
    /// <param name="message">The reason; it must not contain a plaintext, token, key or whole ciphertext.</param>
    /// <param name="status">The HTTP status of the failed answer, when there was one.</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    public KamusException(KamusErrorKind kind, string message, HttpStatusCode? status = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
        Status = status;
        Reason = message;
    }

    // An item's failure: "Decrypting <fingerprint> failed: <reason>", built once, so a cause is never wrapped twice.
    internal KamusException(KamusErrorKind kind, string fingerprint, string reason, HttpStatusCode? status, Exception? innerException)
        : base($"Decrypting {fingerprint} failed: {reason}", innerException)
    {
        Kind = kind;
        Status = status;
        Reason = reason;
        CiphertextFingerprint = fingerprint;
    }

    /// <summary>What went wrong.</summary>
    public KamusErrorKind Kind { get; }

    /// <summary>The HTTP status of the answer that failed, when there was one.</summary>
    public HttpStatusCode? Status { get; }

    /// <summary>Why, without the subject: for an item's failure, the message less its "Decrypting ... failed:" prefix.</summary>
    internal string Reason { get; }

    /// <summary>The fingerprint of the ciphertext concerned (the first 8 hex digits of its SHA-256), when there is one.</summary>
    public string? CiphertextFingerprint { get; init; }
}
