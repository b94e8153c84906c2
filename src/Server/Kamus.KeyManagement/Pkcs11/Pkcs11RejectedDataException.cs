using System.Security.Cryptography;

namespace Kamus.KeyManagement.Pkcs11;

/// <summary>The module refused to decrypt a value: its tag does not verify under this key and associated data.</summary>
internal sealed class Pkcs11RejectedDataException : CryptographicException
{
    /// <summary>Creates the exception.</summary>
    public Pkcs11RejectedDataException()
        : this(sessionUsable: true)
    {
    }

    /// <summary>Creates the exception.</summary>
    public Pkcs11RejectedDataException(string message)
        : base(message)
    {
        SessionUsable = true;
    }

    /// <summary>Creates the exception.</summary>
    public Pkcs11RejectedDataException(string message, Exception innerException)
        : base(message, innerException)
    {
        SessionUsable = true;
    }

    /// <summary>Creates the exception; <paramref name="sessionUsable"/> says whether the session may be reused.</summary>
    public Pkcs11RejectedDataException(bool sessionUsable)
        : base("The value does not authenticate under this key and associated data.")
    {
        SessionUsable = sessionUsable;
    }

    /// <summary>Whether the session that ran the operation may serve further requests.</summary>
    public bool SessionUsable { get; }
}
