namespace Kamus.KeyManagement.GoogleKms;

/// <summary>
/// Cloud KMS answered with an error (a <c>google.rpc.Status</c> body). The message is Google's, which names resources
/// and reasons, never request data.
/// </summary>
internal sealed class GoogleKmsApiException : Exception
{
    /// <summary>Creates the exception.</summary>
    public GoogleKmsApiException()
        : this(0, "UNKNOWN", "Cloud KMS failed.")
    {
    }

    /// <summary>Creates the exception.</summary>
    public GoogleKmsApiException(string message)
        : this(0, "UNKNOWN", message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public GoogleKmsApiException(string message, Exception innerException)
        : base(message, innerException)
    {
        Status = "UNKNOWN";
    }

    /// <summary>Creates the exception from an error answer.</summary>
    public GoogleKmsApiException(int httpStatus, string status, string message)
        : base($"Cloud KMS answered {httpStatus} {status}: {message}")
    {
        HttpStatus = httpStatus;
        Status = status;
        Detail = message;
    }

    /// <summary>The HTTP status code.</summary>
    public int HttpStatus { get; }

    /// <summary>The canonical status, for example <c>NOT_FOUND</c> or <c>INVALID_ARGUMENT</c>.</summary>
    public string Status { get; }

    /// <summary>Google's message (it names resources, for example a key ring that does not exist).</summary>
    public string Detail { get; } = string.Empty;
}
