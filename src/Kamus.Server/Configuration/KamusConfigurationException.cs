namespace Kamus.Server.Configuration;

/// <summary>The server's configuration is unusable. The message names the setting, never a value.</summary>
public sealed class KamusConfigurationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public KamusConfigurationException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public KamusConfigurationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public KamusConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
