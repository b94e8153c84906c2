using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Kamus.Wire.Crypto;

namespace Kamus.Client.Transport;

/// <summary>
/// A SHA-256 certificate pin. It fails closed: any other certificate is refused, whatever its chain. It remembers that
/// it refused one, so that the handshake failure is reported as <see cref="KamusErrorKind.CertificatePinMismatch"/>.
/// </summary>
internal sealed class CertificatePin
{
    private readonly byte[] _sha256;
    private int _mismatches;

    private CertificatePin(byte[] sha256) => _sha256 = sha256;

    /// <summary>How many certificates were refused so far.</summary>
    public int Mismatches => Volatile.Read(ref _mismatches);

    /// <summary>Parses 64 hex digits, with optional ':' , '-' or ' ' separators.</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out CertificatePin? pin)
    {
        pin = Sha256Fingerprint.TryParse(text, out var hash) ? new CertificatePin(hash) : null;
        return pin is not null;
    }

    public bool Matches(X509Certificate certificate)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(certificate.GetRawCertData(), hash);
        return CryptographicOperations.FixedTimeEquals(hash, _sha256);
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

    public override string ToString() => "sha256:" + Convert.ToHexString(_sha256).ToLower(CultureInfo.InvariantCulture);

    /// <summary>Validates against a custom set of roots (the CA bundle) instead of the system store.</summary>
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
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }
}
