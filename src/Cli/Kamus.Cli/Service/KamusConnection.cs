namespace Kamus.Cli.Service;

/// <summary>How to reach the Kamus server, resolved from options and environment variables.</summary>
/// <param name="Url">The server.</param>
/// <param name="AllowInsecureHttp">Whether plain HTTP to a non-loopback host is allowed.</param>
/// <param name="CertificateFingerprint">SHA-256 hex pin of the server certificate.</param>
/// <param name="BearerToken">A token for an encryptor behind authentication (encrypt only).</param>
/// <param name="TokenFilePath">The service-account token file (decrypt only).</param>
internal sealed record KamusConnection(Uri Url, bool AllowInsecureHttp, string? CertificateFingerprint, string? BearerToken, string? TokenFilePath)
{
    /// <summary>A PEM file of CA certificates to trust instead of the system store.</summary>
    public string? CaBundlePath { get; init; }

    /// <summary>The deadline of each call, retries included; null for the client's default.</summary>
    public TimeSpan? Timeout { get; init; }

    // A record's generated ToString would print the token.
    public override string ToString() => Url.ToString();
}
