using Kamus.Client;

namespace Kamus.Configuration;

/// <summary>One configuration key that could not be decrypted. Names the key, the reason and the ciphertext's fingerprint, never a value.</summary>
public sealed class KamusDecryptionFailure
{
    internal KamusDecryptionFailure(string key, DecryptOutcome outcome)
        : this(key, outcome.ErrorKind ?? KamusErrorKind.Protocol, outcome.Fingerprint, reason: null)
    {
    }

    internal KamusDecryptionFailure(string key, KamusErrorKind kind, string fingerprint, string? reason)
    {
        Key = key;
        Kind = kind;
        Fingerprint = fingerprint;
        Reason = reason ?? Describe(kind);
    }

    /// <summary>The configuration key, for example <c>ConnectionStrings:Orders</c>.</summary>
    public string Key { get; }

    /// <summary>Why it failed.</summary>
    public KamusErrorKind Kind { get; }

    /// <summary>The fingerprint of the ciphertext (first 8 hex digits of its SHA-256).</summary>
    public string Fingerprint { get; }

    /// <summary>A short human explanation, and what to do about it.</summary>
    public string Reason { get; }

    /// <summary>For example <c>ConnectionStrings:Orders: Forbidden (not decryptable by this service account)</c>.</summary>
    public override string ToString() => $"{Key}: {Kind} ({Reason})";

    internal static string Describe(KamusErrorKind kind) => kind switch
    {
        KamusErrorKind.Unauthorized => "the service-account token was rejected",
        KamusErrorKind.Forbidden => "not decryptable by this service account; re-encrypt it for this pod's namespace and service account (kamus encrypt -n <namespace> -a <service-account>)",
        KamusErrorKind.InvalidCiphertext => "not a Kamus ciphertext, or it was altered",
        KamusErrorKind.InvalidRequest => "the server rejected the request as malformed",
        KamusErrorKind.PayloadTooLarge => "the value is larger than the server accepts",
        KamusErrorKind.Unavailable => "the Kamus server could not be reached",
        KamusErrorKind.Timeout => "the decryption deadline passed",
        KamusErrorKind.Protocol => "the Kamus server answered something unreadable",
        KamusErrorKind.Configuration => "the Kamus client is misconfigured",
        KamusErrorKind.CertificatePinMismatch => "the server certificate does not match the pinned fingerprint",
        KamusErrorKind.RateLimited => "the Kamus server kept rate-limiting the calls",
        _ => "decryption failed",
    };
}
