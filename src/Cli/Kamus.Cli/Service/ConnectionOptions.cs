using System.CommandLine;
using System.Globalization;
using Kamus.Client;

namespace Kamus.Cli.Service;

/// <summary>The options that say how to reach the Kamus server, shared by the commands that call it.</summary>
internal sealed class ConnectionOptions
{
    public const string UrlVariable = KamusClientOptions.UrlVariable;
    public const string TokenVariable = "KAMUS_TOKEN";
    public const string TokenFileVariable = KamusClientOptions.TokenFilePathVariable;
    public const string DefaultTokenFile = KamusClientOptions.DefaultTokenFilePath;

    private readonly bool _forDecrypt;

    public ConnectionOptions(bool forDecrypt)
    {
        _forDecrypt = forDecrypt;
        Url = new("--kamus-url", "-u") { Description = $"The Kamus server URL (else ${UrlVariable})." };
        AllowInsecureUrl = new("--allow-insecure-url") { Description = "Allow plain http:// to a host other than loopback." };
        CertFingerprint = new("--cert-fingerprint") { Description = "Pin the server certificate: its SHA-256 fingerprint in hex (colons allowed)." };
        Token = new("--token") { Description = $"A bearer token for an encryptor behind authentication (prefer ${TokenVariable})." };
        TokenFile = new("--token-file") { Description = $"The service-account token file (else ${TokenFileVariable}, else {DefaultTokenFile})." };
        CaBundle = new("--ca-bundle") { Description = "A PEM file of CA certificates to trust instead of the system store (a private CA)." };
        Timeout = new("--timeout") { Description = "Give up after this long, retries included: seconds (30), with a unit (30s, 2m) or hh:mm:ss. Default 30s." };
    }

    public Option<string> Url { get; }

    public Option<bool> AllowInsecureUrl { get; }

    public Option<string> CertFingerprint { get; }

    public Option<string> Token { get; }

    public Option<string> TokenFile { get; }

    public Option<string> CaBundle { get; }

    public Option<string> Timeout { get; }

    public void AddTo(Command command)
    {
        command.Options.Add(Url);
        command.Options.Add(AllowInsecureUrl);
        command.Options.Add(CertFingerprint);
        command.Options.Add(CaBundle);
        command.Options.Add(Timeout);
        command.Options.Add(_forDecrypt ? TokenFile : Token);
    }

    /// <exception cref="CliException">The URL is missing or invalid, or the fingerprint is malformed.</exception>
    public KamusConnection Resolve(ParseResult parseResult, CliConsole console)
    {
        var env = console.Environment;
        var urlText = parseResult.GetValue(Url) ?? env.GetVariable(UrlVariable);
        if (string.IsNullOrWhiteSpace(urlText))
        {
            throw CliException.Usage($"no Kamus server: give --kamus-url (-u) or set {UrlVariable}.");
        }

        if (!Uri.TryCreate(urlText, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw CliException.Usage($"--kamus-url '{urlText}' is not an http:// or https:// URL.");
        }

        var allowInsecure = parseResult.GetValue(AllowInsecureUrl);
        if (url.Scheme == Uri.UriSchemeHttp && !url.IsLoopback && !allowInsecure)
        {
            throw CliException.Usage($"refusing plain http:// to {url.Host}: secrets would cross the network unencrypted; use https:// or give --allow-insecure-url.");
        }

        var fingerprint = NormalizeFingerprint(parseResult.GetValue(CertFingerprint));
        if (fingerprint is not null && url.Scheme != Uri.UriSchemeHttps)
        {
            throw CliException.Usage("--cert-fingerprint needs an https:// URL.");
        }

        string? token = null;
        string? tokenFile = null;
        if (_forDecrypt)
        {
            tokenFile = parseResult.GetValue(TokenFile) ?? env.GetVariable(TokenFileVariable) ?? DefaultTokenFile;
        }
        else
        {
            token = parseResult.GetValue(Token);
            if (token is not null)
            {
                console.Warning($"--token is visible in the process list and shell history; prefer the {TokenVariable} environment variable.");
            }

            token ??= env.GetVariable(TokenVariable);
            token = string.IsNullOrWhiteSpace(token) ? null : token.Trim();
        }

        var caBundle = parseResult.GetValue(CaBundle);
        if (caBundle is not null && !File.Exists(caBundle))
        {
            throw CliException.Input($"--ca-bundle '{Path.GetFullPath(caBundle)}' does not exist.");
        }

        var timeout = ParseTimeout(parseResult.GetValue(Timeout));
        return new KamusConnection(url, allowInsecure, fingerprint, token, tokenFile) { CaBundlePath = caBundle, Timeout = timeout };
    }

    /// <summary>Reads <c>--timeout</c>: a number of seconds, a number with a unit (<c>ms</c>, <c>s</c>, <c>m</c>), or <c>hh:mm:ss</c>.</summary>
    /// <exception cref="CliException">The text is none of these, or not between one millisecond and one day.</exception>
    internal static TimeSpan? ParseTimeout(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        text = text.Trim();
        var (number, unit) = text.EndsWith("ms", StringComparison.OrdinalIgnoreCase) ? (text[..^2], 0.001)
            : text.EndsWith('s') || text.EndsWith('S') ? (text[..^1], 1)
            : text.EndsWith('m') || text.EndsWith('M') ? (text[..^1], 60)
            : (text, 1.0);
        TimeSpan? value = double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount)
            ? TimeSpan.FromSeconds(amount * unit)
            : TimeSpan.TryParseExact(text, "c", CultureInfo.InvariantCulture, out var span) ? span : null;
        if (value is not { } timeout || timeout < TimeSpan.FromMilliseconds(10) || timeout > TimeSpan.FromDays(1))
        {
            throw CliException.Usage($"--timeout '{text}' is not a duration between 10ms and one day: give seconds (30), a unit (30s, 2m, 500ms) or hh:mm:ss (00:00:30).");
        }

        return timeout;
    }

    internal static string? NormalizeFingerprint(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var hex = text.Replace(":", string.Empty, StringComparison.Ordinal).Replace(" ", string.Empty, StringComparison.Ordinal).Trim().ToLowerInvariant();
        var isHex = hex.All(char.IsAsciiHexDigit);
        if (isHex && hex.Length == 40)
        {
            throw CliException.Usage("--cert-fingerprint looks like a SHA-1 fingerprint; give the certificate's SHA-256 fingerprint (64 hex digits), e.g. from 'openssl x509 -noout -fingerprint -sha256'.");
        }

        if (!isHex || hex.Length != 64)
        {
            throw CliException.Usage("--cert-fingerprint must be a SHA-256 fingerprint: 64 hex digits, colons allowed.");
        }

        return hex;
    }
}
