namespace Kamus.Testing.Kms;

/// <summary>How a cloud KMS stand-in misbehaves, to test outages.</summary>
public enum KmsStandInFailure
{
    /// <summary>Answers normally.</summary>
    None,

    /// <summary>Answers every KMS call with the service's internal error (HTTP 500), which the SDKs retry.</summary>
    InternalError,

    /// <summary>Drops every connection without answering.</summary>
    Abort,

    /// <summary>Never answers (until the caller gives up), to test timeouts.</summary>
    Hang,
}
