namespace Kamus.KeyManagement;

/// <summary>
/// The master-key backend (an HSM) failed to run a wrap or unwrap: a device, session or login failure, not a refused
/// value. Requests answer 503, like an unreachable Kubernetes API. <see cref="Reason"/> is safe to log (for example
/// <c>C_Decrypt: CKR_DEVICE_ERROR</c>); it never holds a PIN, key or value.
/// </summary>
internal sealed class MasterKeyUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MasterKeyUnavailableException()
        : this("unknown", null)
    {
    }

    /// <summary>Creates the exception with a loggable reason.</summary>
    public MasterKeyUnavailableException(string message)
        : this(message, null)
    {
    }

    /// <summary>Creates the exception with a loggable reason and the backend's own exception.</summary>
    public MasterKeyUnavailableException(string message, Exception? innerException)
        : base($"The master key backend is unavailable: {message}.", innerException)
    {
        Reason = message;
    }

    /// <summary>What failed, in a few words that are safe to log.</summary>
    public string Reason { get; }
}
