using Kamus.Client;
using Kamus.Client.Tokens;
using Microsoft.Extensions.Logging;

namespace Kamus.Configuration;

/// <summary>
/// Settings of <c>AddKamus()</c>. Where the pod's token goes (<see cref="Url"/>, <see cref="TokenFilePath"/>, the TLS
/// settings, <see cref="AllowInsecureHttp"/>) is set here or in the process environment (<c>Kamus__Url</c>, ..., and
/// upstream's <c>KAMUS_URL</c>, <c>TOKEN_FILE_PATH</c>, <c>KAMUS_ALLOW_INSECURE_URL</c>), never by the configuration
/// files that hold the ciphertexts, unless <see cref="ReadConnectionFromConfiguration"/> opts in (and even then,
/// insecure HTTP never comes from a file). <see cref="TotalTimeout"/> and <see cref="Optional"/> may come from the
/// <c>Kamus</c> section of the sources added before <c>AddKamus()</c>.
/// </summary>
public sealed class KamusConfigurationOptions
{
    /// <summary>The default marker that flags an encrypted configuration value: <c>kamus:</c>.</summary>
    public const string DefaultMarkerPrefix = "kamus:";

    /// <summary>The default name of the configuration section that holds these settings: <c>Kamus</c>.</summary>
    public const string DefaultSectionName = "Kamus";

    /// <summary>
    /// The prefix that marks a string value as encrypted; the rest of the value is the ciphertext exactly as the
    /// encryptor returned it. Default <c>kamus:</c>.
    /// </summary>
    public string MarkerPrefix { get; set; } = DefaultMarkerPrefix;

    /// <summary>The section of the earlier sources to read settings from. Default <c>Kamus</c>.</summary>
    public string SectionName { get; set; } = DefaultSectionName;

    /// <summary>The Kamus decryptor URL. Else the environment variable <c>Kamus__Url</c>, else <c>KAMUS_URL</c>.</summary>
    public Uri? Url { get; set; }

    /// <summary>The service-account token file. Else <c>Kamus__TokenFilePath</c>, else <c>TOKEN_FILE_PATH</c>, else the in-cluster default.</summary>
    public string? TokenFilePath { get; set; }

    /// <summary>Supplies the token instead of a file (for example a <see cref="StaticTokenSource"/> in development).</summary>
    public ITokenSource? TokenSource { get; set; }

    /// <summary>Allows plain HTTP to a non-loopback server. Else <c>Kamus__AllowInsecureHttp</c> or <c>KAMUS_ALLOW_INSECURE_URL</c> (environment only, never a file).</summary>
    public bool? AllowInsecureHttp { get; set; }

    /// <summary>SHA-256 hex fingerprint the server certificate must match. Else <c>Kamus__CertificateFingerprint</c>.</summary>
    public string? CertificateFingerprint { get; set; }

    /// <summary>A PEM file of CA certificates to trust for the server (a private CA). Else <c>Kamus__CaBundlePath</c>.</summary>
    public string? CaBundlePath { get; set; }

    /// <summary>
    /// Also reads <c>Url</c>, <c>TokenFilePath</c>, <c>CertificateFingerprint</c> and <c>CaBundlePath</c> from the
    /// <c>Kamus</c> section of the configuration sources (appsettings files, ...), after code and the environment.
    /// Off by default: whoever can edit those files could otherwise send the pod's token, or any file it can read, to a
    /// server of their choice and serve its answers as the secrets. <c>AllowInsecureHttp</c> never comes from there.
    /// </summary>
    public bool ReadConnectionFromConfiguration { get; set; }

    /// <summary>Reads the process environment (replaced by tests, which must not depend on the machine's).</summary>
    internal Func<string, string?> GetEnvironmentVariable { get; set; } = Environment.GetEnvironmentVariable;

    /// <summary>One deadline for decrypting every value of a load or reload. Else <c>Kamus:TotalTimeout</c>, else 30 seconds.</summary>
    public TimeSpan? TotalTimeout { get; set; }

    /// <summary>
    /// When true, a value that cannot be decrypted is left out of the configuration (and logged) instead of failing
    /// <c>Build()</c>. Else <c>Kamus:Optional</c>, else false.
    /// </summary>
    public bool? Optional { get; set; }

    /// <summary>
    /// Called when decryption fails, at load or reload, before the failure is thrown (load) or logged (reload).
    /// Set <see cref="KamusLoadExceptionContext.Ignore"/> to carry on without the failed values.
    /// </summary>
    public Action<KamusLoadExceptionContext>? OnLoadException { get; set; }

    /// <summary>
    /// The client that decrypts. When set, it is used as is and not disposed by the provider (the caller owns it).
    /// When null, the provider creates a <see cref="KamusClient"/> from these settings and disposes it with itself.
    /// </summary>
    public IKamusClient? Client { get; set; }

    /// <summary>Adjusts the options of the client the provider creates (ignored when <see cref="Client"/> is set).</summary>
    public Action<KamusClientOptions>? ConfigureClient { get; set; }

    /// <summary>Logs what the provider does: configuration keys, counts and failure kinds, never values.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Checks the settings that code set.</summary>
    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(MarkerPrefix))
        {
            throw new ArgumentException("The marker prefix must not be empty.", nameof(MarkerPrefix));
        }

        if (string.IsNullOrWhiteSpace(SectionName))
        {
            throw new ArgumentException("The section name must not be empty.", nameof(SectionName));
        }

        if (TotalTimeout is { } timeout && timeout <= TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentException("The total timeout must be positive.", nameof(TotalTimeout));
        }
    }
}
