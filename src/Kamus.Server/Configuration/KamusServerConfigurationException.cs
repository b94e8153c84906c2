namespace Kamus.Server.Configuration;

/// <summary>The server's configuration is unusable. The message names the setting, never a value.</summary>
public sealed class KamusServerConfigurationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public KamusServerConfigurationException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public KamusServerConfigurationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public KamusServerConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
