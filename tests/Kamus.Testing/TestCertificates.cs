using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Kamus.Testing;

/// <summary>Certificates for HTTPS on loopback in tests.</summary>
public static class TestCertificates
{
    /// <summary>
    /// A self-signed certificate for 127.0.0.1 and localhost, marked as a CA so that it can also serve as its own
    /// trusted root (a CA bundle), valid from yesterday for a week.
    /// </summary>
    public static X509Certificate2 CreateSelfSignedLoopback()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));

        // Kestrel on Linux needs the key in a form it can use: round-trip through PKCS#12.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>
    /// The SHA-256 fingerprint of <paramref name="certificate"/>'s DER bytes as a pin (<c>CertificateFingerprint</c>,
    /// <c>--cert-fingerprint</c>): hex digits, each byte separated by <paramref name="separator"/> (for example ':').
    /// </summary>
    public static string Sha256Fingerprint(X509Certificate2 certificate, string separator = "")
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var hex = Convert.ToHexString(SHA256.HashData(certificate.RawData));
        return separator.Length == 0 ? hex : string.Join(separator, hex.Chunk(2).Select(pair => new string(pair)));
    }
}
