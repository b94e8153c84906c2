// TEMPORARY until issue-3-client is merged.
#pragma warning disable CS1591, CA1812, CA1822
namespace Kamus.Client;

public sealed class KamusClientOptions
{
    public const string UrlVariable = "KAMUS_URL";
    public const string TokenFilePathVariable = "TOKEN_FILE_PATH";
    public Uri? Url { get; set; }
    public string? TokenFilePath { get; set; }
    public Tokens.ITokenSource? TokenSource { get; set; }
    public bool AllowInsecureHttp { get; set; }
    public string? CertificateFingerprint { get; set; }
    public Microsoft.Extensions.Logging.ILoggerFactory? LoggerFactory { get; set; }
    public TimeSpan TotalTimeout { get; set; }
    public void Validate() { }
}

public sealed class KamusClient(KamusClientOptions options) : IKamusClient
{
    public KamusClientOptions Options { get; } = options;
    public Task<string> EncryptAsync(string data, string serviceAccount, string @namespace, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<IReadOnlyDictionary<string, string>> EncryptManyAsync(string serviceAccount, string @namespace, IReadOnlyDictionary<string, string> items, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<string> DecryptAsync(string ciphertext, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<IReadOnlyList<DecryptOutcome>> DecryptManyAsync(IReadOnlyList<string> ciphertexts, CancellationToken cancellationToken = default) => throw new KamusException(KamusErrorKind.Configuration, "stub");
}
