using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Kamus.Wire.Crypto;

namespace Kamus.Client.Transport;

/// <summary>
/// A SHA-256 certificate pin (or a SHA-1 one, the form upstream kamus-cli took, for compatibility). It fails closed: any
/// other certificate is refused, whatever its chain. It remembers that it refused one, so that the handshake failure is
/// reported as <see cref="KamusErrorKind.CertificatePinMismatch"/>.
/// </summary>
internal sealed class CertificatePin
{
    private readonly byte[] _hash;
    private int _mismatches;

    private CertificatePin(byte[] hash) => _hash = hash;

    /// <summary>Whether this is a legacy SHA-1 pin.</summary>
    public bool IsSha1 => _hash.Length == SHA1.HashSizeInBytes;

    /// <summary>How many certificates were refused so far.</summary>
    public int Mismatches => Volatile.Read(ref _mismatches);

    /// <summary>Parses 64 hex digits (SHA-256) or 40 (SHA-1), with optional ':' , '-' or ' ' separators.</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out CertificatePin? pin)
    {
        pin = Sha256Fingerprint.TryParse(text, out var hash) || TryParseSha1(text, out hash) ? new CertificatePin(hash) : null;
        return pin is not null;
    }

    // Upstream kamus-cli's form: 40 hex digits, with the same separators.
    private static bool TryParseSha1(string text, [NotNullWhen(true)] out byte[]? hash)
    {
        var hex = new string(text.Where(c => c is not (':' or '-' or ' ')).ToArray());
        hash = hex.Length == 2 * SHA1.HashSizeInBytes && hex.All(char.IsAsciiHexDigit) ? Convert.FromHexString(hex) : null;
        return hash is not null;
    }

    public bool Matches(X509Certificate certificate)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
#pragma warning disable CA5350 // A SHA-1 pin is what upstream kamus-cli users have; matching it needs a second preimage, not a collision.
        var written = IsSha1 ? SHA1.HashData(certificate.GetRawCertData(), hash) : SHA256.HashData(certificate.GetRawCertData(), hash);
#pragma warning restore CA5350
        return CryptographicOperations.FixedTimeEquals(hash[..written], _hash);
    }

    public bool Validate(X509Certificate? certificate)
    {
        if (certificate is not null && Matches(certificate))
        {
            return true;
        }

        Interlocked.Increment(ref _mismatches);
        return false;
    }

    public override string ToString() => (IsSha1 ? "sha1:" : "sha256:") + Convert.ToHexString(_hash).ToLower(CultureInfo.InvariantCulture);

    private static readonly Oid ServerAuthentication = Oid.FromOidValue("1.3.6.1.5.5.7.3.1", OidGroup.EnhancedKeyUsage);

    /// <summary>Validates against a custom set of roots (the CA bundle) instead of the system store, for a TLS server (serverAuth EKU).</summary>
    public static bool ValidateWithCustomRoots(X509Certificate? certificate, X509Certificate2Collection roots, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            // No certificate, or a name mismatch: the chain cannot make up for either.
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;

        // As the system store's validation does: the leaf must be meant for TLS servers. A client certificate issued by
        // the same private CA (every workload may have one, in a mesh) must not pass for the Kamus server.
        chain.ChainPolicy.ApplicationPolicy.Add(ServerAuthentication);
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }
}
