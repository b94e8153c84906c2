using System.Globalization;
using Kamus.Client.Tokens;
using Microsoft.Extensions.Logging;

namespace Kamus.Client;

/// <summary>
/// Settings of a <see cref="KamusClient"/>. Every setting has a safe default; <see cref="Validate"/> checks them all.
/// </summary>
public sealed class KamusClientOptions
{
    /// <summary>The environment variable naming the Kamus URL when <see cref="Url"/> is not set (the upstream init container's).</summary>
    public const string UrlVariable = "KAMUS_URL";

    /// <summary>The environment variable naming the token file when <see cref="TokenFilePath"/> is not set (the upstream init container's).</summary>
    public const string TokenFilePathVariable = "TOKEN_FILE_PATH";

    /// <summary>The environment variable that allows plain HTTP to non-loopback hosts when set to <c>true</c>.</summary>
    public const string AllowInsecureUrlVariable = "KAMUS_ALLOW_INSECURE_URL";

    /// <summary>Where Kubernetes mounts the pod's service-account token.</summary>
    public const string DefaultTokenFilePath = "/var/run/secrets/kubernetes.io/serviceaccount/token";

    /// <summary>The Kamus decryptor/encryptor base URL. Default: the <c>KAMUS_URL</c> environment variable.</summary>
    public Uri? Url { get; set; }

    /// <summary>
    /// The token file (for example a projected, audience-bound token such as <c>/var/run/secrets/kamus/token</c>).
    /// Default: <c>TOKEN_FILE_PATH</c>, else <see cref="DefaultTokenFilePath"/>. Ignored when <see cref="TokenSource"/> is set.
    /// </summary>
    public string? TokenFilePath { get; set; }

    /// <summary>Where decrypt calls get their token. Default: a <see cref="FileTokenSource"/> on <see cref="TokenFilePath"/>.</summary>
    public ITokenSource? TokenSource { get; set; }

    /// <summary>
    /// Allows plain HTTP to a non-loopback host (a warning is logged). Default: <see langword="false"/>, unless
    /// <c>KAMUS_ALLOW_INSECURE_URL=true</c>. Loopback hosts may always use HTTP.
    /// </summary>
    public bool AllowInsecureHttp { get; set; }

    /// <summary>
    /// Pins the server certificate: the SHA-256 fingerprint of its DER bytes, hex (colons and spaces allowed).
    /// A certificate with another fingerprint is refused (<see cref="KamusErrorKind.CertificatePinMismatch"/>),
    /// and a matching one is accepted even when no trusted CA issued it. A 40-digit SHA-1 fingerprint (the form upstream
    /// kamus-cli took) is accepted for compatibility; prefer SHA-256. Default: no pin.
    /// </summary>
    public string? CertificateFingerprint { get; set; }

    /// <summary>
    /// A PEM file of CA certificates to trust instead of the system store (for a private CA); a relative path is
    /// relative to the working directory. Default: the system store. In configuration: <c>Kamus:CaBundlePath</c>.
    /// </summary>
    public string? CaBundlePath { get; set; }

    /// <summary>The timeout of one HTTP attempt, body included. Default: 5 seconds.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The deadline of one operation, retries and their delays included. Default: 30 seconds.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How many times a failed attempt is retried (network errors, timeouts, 408, 429, 5xx; never 400, 403 or 404).
    /// 0 disables retries. Default: 4.
    /// </summary>
    public int MaxRetryAttempts { get; set; } = 4;

    /// <summary>The base delay of the exponential backoff (with jitter) between retries. Default: 200 ms.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest delay between retries, <c>Retry-After</c> included. Default: 10 seconds.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Adds a circuit breaker (for background callers that poll): after repeated failures calls fail fast with
    /// <see cref="KamusErrorKind.Unavailable"/> for <see cref="CircuitBreakDuration"/>. Default: <see langword="false"/>.
    /// </summary>
    public bool EnableCircuitBreaker { get; set; }

    /// <summary>How long an open circuit fails calls fast. Default: 30 seconds.</summary>
    public TimeSpan CircuitBreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The most concurrent per-value calls against an upstream server without the v2 batch API. Default: 8.</summary>
    public int MaxConcurrency { get; set; } = 8;

    /// <summary>
    /// The most values one <c>/api/v2/decrypt</c> call carries; larger batches are split. Default: 5,000, the server's
    /// default <c>Kamus:Limits:MaxBatchItems</c>.
    /// </summary>
    public int MaxBatchItems { get; set; } = 5_000;

    /// <summary>
    /// The largest request body the client sends, in bytes; larger batches are split, and a single value that cannot
    /// fit fails locally with <see cref="KamusErrorKind.PayloadTooLarge"/>, never reaching the server. Default: 1 MiB,
    /// the server's default <c>Kamus:Limits:MaxRequestBodyBytes</c>.
    /// </summary>
    public int MaxRequestBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Decrypts envelope values locally after one remote unwrap of their data key (per distinct wrapped key).
    /// Default: <see langword="true"/>.
    /// </summary>
    public bool EnableEnvelopeFastPath { get; set; } = true;

    /// <summary>How many unwrapped data keys the fast path keeps (least recently used are evicted and zeroed). Default: 256.</summary>
    public int DataKeyCacheSize { get; set; } = 256;

    /// <summary>Logging. Default: none (the DI registration uses the container's).</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>The clock of timeouts, backoff and token expiry. Default: <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Checks every setting.</summary>
    /// <exception cref="KamusException">With <see cref="KamusErrorKind.Configuration"/>, naming every invalid setting.</exception>
    public void Validate()
    {
        var errors = GetErrors();
        if (errors.Count > 0)
        {
            throw new KamusException(KamusErrorKind.Configuration, "Invalid Kamus client options: " + string.Join("; ", errors) + ".");
        }
    }

    /// <summary>The URL in force: <see cref="Url"/>, else <c>KAMUS_URL</c>.</summary>
    internal Uri? ResolveUrl()
    {
        if (Url is not null)
        {
            return Url;
        }

        var text = Environment.GetEnvironmentVariable(UrlVariable);
        return Uri.TryCreate(text, UriKind.Absolute, out var url) ? url : null;
    }

    /// <summary>Whether insecure HTTP is allowed: the option or <c>KAMUS_ALLOW_INSECURE_URL=true</c>.</summary>
    internal bool ResolveAllowInsecureHttp() =>
        AllowInsecureHttp || string.Equals(Environment.GetEnvironmentVariable(AllowInsecureUrlVariable), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The token file in force.</summary>
    internal string ResolveTokenFilePath() => TokenFilePath ?? EnvironmentTokenFilePath();

    /// <summary>The token file when none is set: <c>TOKEN_FILE_PATH</c>, else <see cref="DefaultTokenFilePath"/>.</summary>
    internal static string EnvironmentTokenFilePath() =>
        NonEmpty(Environment.GetEnvironmentVariable(TokenFilePathVariable)) ?? DefaultTokenFilePath;

    internal List<string> GetErrors()
    {
        var errors = new List<string>();
        var url = ResolveUrl();
        if (url is null)
        {
            var variable = Environment.GetEnvironmentVariable(UrlVariable);
            errors.Add(string.IsNullOrWhiteSpace(variable)
                ? $"no Kamus URL: set the {UrlVariable} environment variable or Url in code (with AddKamus also Kamus__Url in the environment, or Kamus:Url in configuration when ReadConnectionFromConfiguration is on); on a laptop, run 'dotnet run --project src/Server/Kamus.Server -- --dev' in the Kamus for .NET repository and set the two variables it prints"
                : $"{UrlVariable} '{variable}' is not an absolute URL such as https://kamus-decryptor.kamus.svc");
        }
        else if (Transport.KamusUrlPolicy.Check(url, ResolveAllowInsecureHttp()) is { } urlProblem)
        {
            errors.Add(urlProblem);
        }

        if (CertificateFingerprint is not null && !Transport.CertificatePin.TryParse(CertificateFingerprint, out _))
        {
            errors.Add("CertificateFingerprint is not a SHA-256 fingerprint (64 hex digits; 40 for a legacy SHA-1 one)");
        }

        if (CaBundlePath is not null && !File.Exists(CaBundlePath))
        {
            errors.Add($"CaBundlePath '{Path.GetFullPath(CaBundlePath)}' does not exist (a relative path is relative to the working directory, {Environment.CurrentDirectory})");
        }

        Positive(errors, AttemptTimeout, nameof(AttemptTimeout));
        Positive(errors, TotalTimeout, nameof(TotalTimeout));
        Positive(errors, RetryBaseDelay, nameof(RetryBaseDelay));
        Positive(errors, MaxRetryDelay, nameof(MaxRetryDelay));
        Positive(errors, CircuitBreakDuration, nameof(CircuitBreakDuration));
        if (AttemptTimeout > TimeSpan.Zero && AttemptTimeout < MinimumAttemptTimeout)
        {
            // Polly's attempt timeout, built on the first retry, refuses less; say so now rather than mid-call.
            errors.Add("AttemptTimeout must be at least 10 ms");
        }

        if (AttemptTimeout > TotalTimeout)
        {
            errors.Add("AttemptTimeout must not exceed TotalTimeout");
        }

        if (MaxRetryAttempts is < 0 or > 100)
        {
            errors.Add("MaxRetryAttempts must be between 0 and 100");
        }

        if (MaxConcurrency is < 1 or > 256)
        {
            errors.Add("MaxConcurrency must be between 1 and 256");
        }

        if (MaxBatchItems < 1)
        {
            errors.Add("MaxBatchItems must be at least 1");
        }

        if (MaxRequestBytes < 1024)
        {
            errors.Add("MaxRequestBytes must be at least 1024");
        }

        if (DataKeyCacheSize is < 1 or > 1_000_000)
        {
            errors.Add("DataKeyCacheSize must be between 1 and 1000000");
        }

        if (TimeProvider is null)
        {
            errors.Add("TimeProvider must be set");
        }

        return errors;
    }

    private static readonly TimeSpan MinimumAttemptTimeout = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// Whether a time-span setting was written as a bare number (<c>30</c>), which .NET reads as days, not seconds.
    /// </summary>
    internal static bool IsBareNumber(string text) => int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out _);

    /// <summary>The message for a time-span setting that is not one, naming the key and what to write instead.</summary>
    internal static string TimeSpanHint(string key, string text) => IsBareNumber(text)
        ? $"The Kamus setting '{key}' is '{text.Trim()}', which .NET reads as {text.Trim()} days; write a time span: {AsSeconds(int.Parse(text.Trim(), CultureInfo.InvariantCulture))} for {text.Trim()} seconds (hh:mm:ss)."
        : $"The Kamus setting '{key}' must be a positive time span such as 00:00:30 (hh:mm:ss).";

    private static string AsSeconds(int seconds) => TimeSpan.FromSeconds(seconds).ToString("c", CultureInfo.InvariantCulture);

    private static void Positive(List<string> errors, TimeSpan value, string name)
    {
        // Polly's strategies accept at most one day; anything longer is a mistake, most often a bare number of seconds
        // ("30"), which the configuration binder reads as days.
        if (value <= TimeSpan.Zero || value > TimeSpan.FromDays(1))
        {
            errors.Add(value >= TimeSpan.FromDays(1) && value.Ticks % TimeSpan.TicksPerDay == 0
                ? $"{name} is {value.Days} days, which must be at most one day: a bare number in configuration means days; write {AsSeconds(value.Days)} for {value.Days} seconds (hh:mm:ss)"
                : $"{name} must be positive and at most one day (hh:mm:ss, for example 00:00:30)");
        }
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
