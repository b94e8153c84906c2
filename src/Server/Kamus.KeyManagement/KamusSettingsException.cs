namespace Kamus.KeyManagement;

/// <summary>The server's configuration is unusable. The message names the setting, never a value.</summary>
internal sealed class KamusSettingsException : Exception
{
    /// <summary>Creates the exception.</summary>
    public KamusSettingsException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public KamusSettingsException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public KamusSettingsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
