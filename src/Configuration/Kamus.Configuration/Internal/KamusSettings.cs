using System.Globalization;
using Kamus.Client;

namespace Kamus.Configuration.Internal;

/// <summary>
/// The effective settings of a provider: code first, then the <c>Kamus</c> section of the wrapped sources, then the
/// upstream variables (<c>KAMUS_URL</c>, <c>TOKEN_FILE_PATH</c>, also when they arrive as configuration keys).
/// </summary>
internal sealed class KamusSettings
{
    public static readonly TimeSpan DefaultTotalTimeout = TimeSpan.FromSeconds(30);

    private KamusSettings(KamusConfigurationOptions options, Func<string, string?> read)
    {
        Options = options;
        var section = options.SectionName + ":";
        Url = options.Url ?? ParseUri(read(section + "Url"), section + "Url") ?? ParseUri(read(KamusClientOptions.UrlVariable), KamusClientOptions.UrlVariable);
        TokenFilePath = options.TokenFilePath ?? NullIfEmpty(read(section + "TokenFilePath")) ?? NullIfEmpty(read(KamusClientOptions.TokenFilePathVariable));
        AllowInsecureHttp = options.AllowInsecureHttp ?? ParseBool(read(section + "AllowInsecureHttp"), section + "AllowInsecureHttp");
        CertificateFingerprint = options.CertificateFingerprint ?? NullIfEmpty(read(section + "CertificateFingerprint"));
        CaBundlePath = options.CaBundlePath ?? NullIfEmpty(read(section + "CaBundlePath"));
        TotalTimeout = options.TotalTimeout ?? ParseTimeSpan(read(section + "TotalTimeout"), section + "TotalTimeout") ?? DefaultTotalTimeout;
        Optional = options.Optional ?? ParseBool(read(section + "Optional"), section + "Optional") ?? false;
    }

    public KamusConfigurationOptions Options { get; }

    public Uri? Url { get; }

    public string? TokenFilePath { get; }

    public bool? AllowInsecureHttp { get; }

    public string? CertificateFingerprint { get; }

    public string? CaBundlePath { get; }

    public TimeSpan TotalTimeout { get; }

    public bool Optional { get; }

    /// <summary>Resolves settings; <paramref name="read"/> looks a key up in the wrapped configuration.</summary>
    /// <exception cref="FormatException">A setting in configuration is malformed (the message names the key, not the value).</exception>
    public static KamusSettings Resolve(KamusConfigurationOptions options, Func<string, string?> read) => new(options, read);

    /// <summary>Copies the settings onto the options of a client to create.</summary>
    public void ApplyTo(KamusClientOptions client)
    {
        client.Url = Url ?? client.Url;
        client.TokenFilePath = TokenFilePath ?? client.TokenFilePath;
        client.TokenSource = Options.TokenSource ?? client.TokenSource;
        client.AllowInsecureHttp = AllowInsecureHttp ?? client.AllowInsecureHttp;
        client.CertificateFingerprint = CertificateFingerprint ?? client.CertificateFingerprint;
        client.CaBundlePath = CaBundlePath ?? client.CaBundlePath;
        client.LoggerFactory = Options.LoggerFactory ?? client.LoggerFactory;
        if (TotalTimeout != Timeout.InfiniteTimeSpan)
        {
            // One deadline for the whole pass: the client's own operation deadline is the same, and no attempt is longer.
            client.TotalTimeout = TotalTimeout;
            client.AttemptTimeout = client.AttemptTimeout > TotalTimeout ? TotalTimeout : client.AttemptTimeout;
        }

        Options.ConfigureClient?.Invoke(client);
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static Uri? ParseUri(string? value, string key)
    {
        value = NullIfEmpty(value);
        if (value is null)
        {
            return null;
        }

        return Uri.TryCreate(value, UriKind.Absolute, out var uri)
            ? uri
            : throw new FormatException($"The Kamus setting '{key}' is not an absolute URL.");
    }

    private static bool? ParseBool(string? value, string key)
    {
        value = NullIfEmpty(value);
        if (value is null)
        {
            return null;
        }

        return bool.TryParse(value, out var result)
            ? result
            : throw new FormatException($"The Kamus setting '{key}' must be true or false.");
    }

    private static TimeSpan? ParseTimeSpan(string? value, string key)
    {
        value = NullIfEmpty(value);
        if (value is null)
        {
            return null;
        }

        return TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var result) && result > TimeSpan.Zero && !KamusClientOptions.IsBareNumber(value)
            ? result
            : throw new FormatException(KamusClientOptions.TimeSpanHint(key, value));
    }
}
