namespace Kamus.Client.Transport;

/// <summary>The TLS settings shared by the DI-registered handlers and the client, so that a pin mismatch is reported as such.</summary>
internal sealed class KamusTlsSettings
{
    private readonly KamusClientOptions _options;

    public KamusTlsSettings(KamusClientOptions options)
    {
        _options = options;
        Pin = options.CertificateFingerprint is { } text && CertificatePin.TryParse(text, out var pin) ? pin : null;
    }

    public CertificatePin? Pin { get; }

    public SocketsHttpHandler CreateHandler() => KamusHttpHandler.Create(_options, Pin);
}
