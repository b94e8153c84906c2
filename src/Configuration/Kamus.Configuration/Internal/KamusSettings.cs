using System.Globalization;
using Kamus.Client;

namespace Kamus.Configuration.Internal;

/// <summary>
/// The effective settings of a provider, reshaped once into the client's options (which the client validates once).
/// Where the token goes comes from code, then the process environment, then (only when the app opts in) the
/// <c>Kamus</c> section; insecure HTTP never comes from configuration. See <see cref="KamusConfigurationOptions"/>.
/// </summary>
internal sealed class KamusSettings
{
    public static readonly TimeSpan DefaultTotalTimeout = TimeSpan.FromSeconds(30);

    private readonly KamusConfigurationOptions _options;

    private KamusSettings(KamusConfigurationOptions options, Func<string, string?> read, Func<string, string?> environment)
    {
        _options = options;
        var section = options.SectionName + ":";
        var variable = options.SectionName + "__";
        string? Connection(string name) =>
            NullIfEmpty(environment(variable + name)) ?? (options.ReadConnectionFromConfiguration ? NullIfEmpty(read(section + name)) : null);

        Url = options.Url
            ?? ParseUri(NullIfEmpty(environment(variable + "Url")), variable + "Url")
            ?? ParseUri(NullIfEmpty(environment(KamusClientOptions.UrlVariable)), KamusClientOptions.UrlVariable)
            ?? (options.ReadConnectionFromConfiguration ? ParseUri(NullIfEmpty(read(section + "Url")), section + "Url") : null);
        TokenFilePath = options.TokenFilePath ?? Connection("TokenFilePath") ?? NullIfEmpty(environment(KamusClientOptions.TokenFilePathVariable));
        CertificateFingerprint = options.CertificateFingerprint ?? Connection("CertificateFingerprint");
        CaBundlePath = options.CaBundlePath ?? Connection("CaBundlePath");
        AllowInsecureHttp = options.AllowInsecureHttp
            ?? ParseBool(environment(variable + "AllowInsecureHttp"), variable + "AllowInsecureHttp")
            ?? ParseBool(environment(KamusClientOptions.AllowInsecureUrlVariable), KamusClientOptions.AllowInsecureUrlVariable);
        TotalTimeout = options.TotalTimeout ?? ParseTimeSpan(read(section + "TotalTimeout"), section + "TotalTimeout") ?? DefaultTotalTimeout;
        Optional = options.Optional ?? ParseBool(read(section + "Optional"), section + "Optional") ?? false;
    }

    public Uri? Url { get; }

    public string? TokenFilePath { get; }

    public bool? AllowInsecureHttp { get; }

    public string? CertificateFingerprint { get; }

    public string? CaBundlePath { get; }

    public TimeSpan TotalTimeout { get; }

    public bool Optional { get; }

    /// <summary>Resolves settings; <paramref name="read"/> looks a key up in the wrapped configuration.</summary>
    /// <exception cref="FormatException">A setting is malformed (the message names the key, not the value).</exception>
    public static KamusSettings Resolve(KamusConfigurationOptions options, Func<string, string?> read) =>
        new(options, read, options.GetEnvironmentVariable);

    /// <summary>The client the provider owns, created from these settings (it validates them once).</summary>
    public KamusClient CreateClient()
    {
        var options = new KamusClientOptions();
        ApplyTo(options);
        options.LoggerFactory ??= Diagnostics.StandardErrorLoggerFactory.Instance; // retries are shown while start-up waits
        return new KamusClient(options);
    }

    /// <summary>Copies the settings onto the options of a client to create.</summary>
    public void ApplyTo(KamusClientOptions client)
    {
        client.Url = Url ?? client.Url;
        client.TokenFilePath = TokenFilePath ?? client.TokenFilePath;
        client.TokenSource = _options.TokenSource ?? client.TokenSource;
        client.AllowInsecureHttp = AllowInsecureHttp ?? client.AllowInsecureHttp;
        client.CertificateFingerprint = CertificateFingerprint ?? client.CertificateFingerprint;
        client.CaBundlePath = CaBundlePath ?? client.CaBundlePath;
        client.LoggerFactory = _options.LoggerFactory ?? client.LoggerFactory;
        if (TotalTimeout != Timeout.InfiniteTimeSpan)
        {
            // One deadline for the whole pass: the client's own operation deadline is the same, and no attempt is longer.
            client.TotalTimeout = TotalTimeout;
            client.AttemptTimeout = client.AttemptTimeout > TotalTimeout ? TotalTimeout : client.AttemptTimeout;
        }

        _options.ConfigureClient?.Invoke(client);
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static Uri? ParseUri(string? value, string key) =>
        value is null ? null
        : Uri.TryCreate(value, UriKind.Absolute, out var uri) ? uri
        : throw new FormatException($"The Kamus setting '{key}' is not an absolute URL.");

    private static bool? ParseBool(string? value, string key)
    {
        value = NullIfEmpty(value);
        return value is null ? null
            : bool.TryParse(value, out var result) ? result
            : throw new FormatException($"The Kamus setting '{key}' must be true or false.");
    }

    private static TimeSpan? ParseTimeSpan(string? value, string key)
    {
        value = NullIfEmpty(value);
        if (value is null)
        {
            return null;
        }

        // A bare number parses, as days: "30" meant 30 seconds far more often than a month.
        return TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var result) && result > TimeSpan.Zero && !KamusClientOptions.IsBareNumber(value)
            ? result
            : throw new FormatException(KamusClientOptions.TimeSpanHint(key, value));
    }
}
