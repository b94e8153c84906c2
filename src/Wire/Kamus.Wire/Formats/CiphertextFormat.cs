namespace Kamus.Wire.Formats;

/// <summary>The Kamus ciphertext layouts this library reads. See <c>docs/formats.md</c>.</summary>
internal enum CiphertextFormat
{
    /// <summary>Upstream AES: <c>base64(iv):base64(ciphertext)</c>, AES-256-CBC, unauthenticated.</summary>
    UpstreamAes,

    /// <summary>Upstream envelope: <c>env$&lt;wrapped data key&gt;$base64(iv):base64(ciphertext)</c>, AES-256-CBC under the data key.</summary>
    UpstreamEnvelope,

    /// <summary>v2 value: <c>k2.&lt;keyId&gt;.&lt;sealed&gt;</c>, AES-256-GCM under the service account's key, authenticated.</summary>
    V2Value,

    /// <summary>v2 wrapped data key: <c>k2k.&lt;keyId&gt;.&lt;sealed key&gt;</c>; decrypts to base64 of a 32-byte data key.</summary>
    V2WrappedKey,

    /// <summary>v2 envelope: <c>k2e.&lt;keyId&gt;.&lt;sealed key&gt;.&lt;sealed payload&gt;</c>, AES-256-GCM under a shared data key.</summary>
    V2Envelope,

    /// <summary>
    /// Upstream cloud KMS value: base64 of a KMS ciphertext (Google Cloud KMS values, Azure Key Vault RSA-OAEP values up
    /// to <c>MaximumDataLength</c>, or a bare AWS KMS data-key blob). Only the server's KMS provider can read it.
    /// </summary>
    UpstreamKms,

    /// <summary>
    /// Offline value: <c>k2h.&lt;suite&gt;.&lt;keyId&gt;[~&lt;context&gt;].&lt;enc&gt;.&lt;sealed&gt;</c>, HPKE (RFC 9180) to the
    /// service account's public key, sealed without the server; only the server opens it.
    /// </summary>
    OfflineValue,
}

/// <summary>Facts about a <see cref="CiphertextFormat"/>.</summary>
internal static class CiphertextFormatExtensions
{
    /// <summary>Whether tampering with a value of this format is detected (AES-GCM) rather than possibly undetected (AES-CBC).</summary>
    public static bool IsAuthenticated(this CiphertextFormat format) => format is CiphertextFormat.V2Value or CiphertextFormat.V2WrappedKey or CiphertextFormat.V2Envelope or CiphertextFormat.OfflineValue;

    /// <summary>Whether the value carries a wrapped data key that a client can unwrap once and reuse for many payloads.</summary>
    public static bool IsEnvelope(this CiphertextFormat format) => format is CiphertextFormat.UpstreamEnvelope or CiphertextFormat.V2Envelope;
}
