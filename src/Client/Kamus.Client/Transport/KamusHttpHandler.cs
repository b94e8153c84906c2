using System.Security.Cryptography.X509Certificates;

namespace Kamus.Client.Transport;

/// <summary>Builds the HTTP handler of the client: TLS settings (CA bundle, certificate pin) and connection pooling.</summary>
internal static class KamusHttpHandler
{
    /// <summary>Creates the handler; <paramref name="pin"/> (parsed from the options) counts refused certificates.</summary>
    public static SocketsHttpHandler Create(KamusClientOptions options, CertificatePin? pin)
    {
        ArgumentNullException.ThrowIfNull(options);
        var handler = new SocketsHttpHandler
        {
            // Long-lived clients pick up DNS changes; the per-attempt timeout bounds connects too.
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = options.AttemptTimeout,
            AllowAutoRedirect = false,
            UseCookies = false,
        };

        if (options.CertificateFingerprint is not null)
        {
            if (pin is null && !CertificatePin.TryParse(options.CertificateFingerprint, out pin))
            {
                throw new KamusException(KamusErrorKind.Configuration, "CertificateFingerprint is not a SHA-256 fingerprint (64 hex digits).");
            }

            var captured = pin;
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) => captured.Validate(certificate);
        }
        else if (options.CaBundlePath is { } bundle)
        {
            var roots = new X509Certificate2Collection();
            try
            {
                roots.ImportFromPemFile(bundle);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
            {
                throw new KamusException(KamusErrorKind.Configuration, $"The CA bundle '{Path.GetFullPath(bundle)}' cannot be read as PEM certificates.", innerException: e);
            }

            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) => CertificatePin.ValidateWithCustomRoots(certificate, roots, errors);
        }

        return handler;
    }
}
