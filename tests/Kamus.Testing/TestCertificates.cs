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
        var request = LoopbackRequest(key, isAuthority: true);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));

        // Kestrel on Linux needs the key in a form it can use: round-trip through PKCS#12.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>
    /// A private CA and a leaf for 127.0.0.1 signed by it, with the given extended key usages (for example
    /// <c>1.3.6.1.5.5.7.3.1</c>, serverAuth, or only <c>1.3.6.1.5.5.7.3.2</c>, clientAuth). The leaf has its key.
    /// </summary>
    public static (X509Certificate2 Authority, X509Certificate2 Leaf) CreateAuthorityAndLoopbackLeaf(params string[] extendedKeyUsages)
    {
        using var authorityKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var authorityRequest = new CertificateRequest("CN=Kamus test CA", authorityKey, HashAlgorithmName.SHA256);
        authorityRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        authorityRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var authority = authorityRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));

        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var leafRequest = LoopbackRequest(leafKey, isAuthority: false);
        var usages = new OidCollection();
        foreach (var usage in extendedKeyUsages)
        {
            usages.Add(new Oid(usage));
        }

        leafRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(usages, false));
        using var signed = leafRequest.Create(authority, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(6), RandomNumberGenerator.GetBytes(16));
        using var withKey = signed.CopyWithPrivateKey(leafKey);
        return (X509CertificateLoader.LoadCertificate(authority.RawData), X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null));
    }

    // A certificate request for 127.0.0.1 and localhost.
    private static CertificateRequest LoopbackRequest(ECDsa key, bool isAuthority)
    {
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(isAuthority, false, 0, true));
        return request;
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
