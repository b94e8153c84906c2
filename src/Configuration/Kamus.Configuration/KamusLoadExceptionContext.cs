namespace Kamus.Configuration;

/// <summary>
/// What <see cref="KamusConfigurationOptions.OnLoadException"/> receives, shaped like <c>FileLoadExceptionContext</c>.
/// </summary>
public sealed class KamusLoadExceptionContext
{
    internal KamusLoadExceptionContext(KamusConfigurationProvider provider, KamusConfigurationException exception, bool reload)
    {
        Provider = provider;
        Exception = exception;
        Reload = reload;
    }

    /// <summary>The provider that failed.</summary>
    public KamusConfigurationProvider Provider { get; }

    /// <summary>The failure: every key that could not be decrypted, with its reason.</summary>
    public KamusConfigurationException Exception { get; }

    /// <summary>Whether this happened on a reload (the last good values are kept) rather than the first load.</summary>
    public bool Reload { get; }

    /// <summary>Set to true to carry on without the failed values instead of throwing from the first load.</summary>
    public bool Ignore { get; set; }
}
