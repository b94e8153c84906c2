namespace Kamus.KeyManagement.AzureKeyVault;

/// <summary>
/// A Key Vault call failed: the vault's status and error code (for example <c>404 KeyNotFound</c>,
/// <c>403 Forbidden</c>), or <see cref="Status"/> 0 when no answer came. The message names the operation, the key
/// and the vault's own reason, never a value or a token.
/// </summary>
internal sealed class KeyVaultRequestException : Exception
{
    public KeyVaultRequestException()
        : this("unknown")
    {
    }

    public KeyVaultRequestException(string message)
        : this(message, null)
    {
    }

    public KeyVaultRequestException(string message, Exception? innerException)
        : this(0, null, message, innerException)
    {
    }

    public KeyVaultRequestException(int status, string? errorCode, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Status = status;
        ErrorCode = errorCode;
    }

    /// <summary>The HTTP status, or 0 when the vault could not be reached.</summary>
    public int Status { get; }

    /// <summary>The vault's <c>error.code</c> (<c>KeyNotFound</c>, <c>BadParameter</c>, <c>Forbidden</c>, ...), when it sent one.</summary>
    public string? ErrorCode { get; }
}
