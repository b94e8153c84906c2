namespace Kamus.Client;

/// <summary>The machine-readable kind of a Kamus failure. Names and values are stable: they appear in logs and metrics.</summary>
/// <remarks>Zero is not a kind: a <see langword="default"/> value never reads as a failure of some kind, nor as success.</remarks>
public enum KamusErrorKind
{
    /// <summary>The token is missing, invalid or expired (HTTP 401).</summary>
    Unauthorized = 1,

    /// <summary>The caller may not decrypt this value: another service account's value, the default account, or not a service account (HTTP 403).</summary>
    Forbidden,

    /// <summary>The value is not a Kamus ciphertext, or it was altered (HTTP 400 for a value).</summary>
    InvalidCiphertext,

    /// <summary>The request is malformed: a missing field, an invalid Kubernetes name, the default service account on encrypt (HTTP 400).</summary>
    InvalidRequest,

    /// <summary>The request is larger than the server accepts (HTTP 413).</summary>
    PayloadTooLarge,

    /// <summary>The server, or the Kubernetes API behind it, cannot be reached or answered 5xx after every retry (HTTP 503 and network errors).</summary>
    Unavailable,

    /// <summary>The total deadline passed.</summary>
    Timeout,

    /// <summary>The server answered something this client cannot read (wrong shape, wrong count, truncated body).</summary>
    Protocol,

    /// <summary>The client is misconfigured: no URL, insecure HTTP to a non-loopback host, unreadable token file.</summary>
    Configuration,

    /// <summary>The server's certificate does not match the pinned fingerprint.</summary>
    CertificatePinMismatch,

    /// <summary>The server is rejecting calls (HTTP 429) and kept doing so after every retry.</summary>
    RateLimited,

    /// <summary>
    /// An offline public key statement cannot be used: malformed, altered after signing, signed by another key than the
    /// pinned one, for another service account, or expired.
    /// </summary>
    InvalidPublicKeyStatement,
}
