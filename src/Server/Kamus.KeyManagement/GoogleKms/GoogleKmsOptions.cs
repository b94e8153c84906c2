namespace Kamus.KeyManagement.GoogleKms;

/// <summary>
/// Google Cloud KMS (<c>KeyManagement:Provider=GoogleKms</c>, section <c>KeyManagement:GoogleKms</c>): upstream's
/// settings plus <see cref="Endpoint"/>, <see cref="CredentialsPath"/> and <see cref="Timeout"/>. Credentials are
/// Application Default Credentials (<c>GOOGLE_APPLICATION_CREDENTIALS</c>, Workload Identity, the metadata server).
/// </summary>
internal sealed class GoogleKmsOptions
{
    /// <summary>The project of the key ring (required).</summary>
    public string? ProjectId { get; set; }

    /// <summary>The key ring's location, for example <c>global</c> or <c>europe-west1</c> (required).</summary>
    public string? Location { get; set; }

    /// <summary>The key ring, which must exist (required).</summary>
    public string? KeyRingName { get; set; }

    /// <summary>The protection level of created keys: <c>SOFTWARE</c> (the default) or <c>HSM</c>.</summary>
    public string? ProtectionLevel { get; set; }

    /// <summary>Automatic rotation of created keys, as upstream read it (a .NET TimeSpan: <c>30</c> is 30 days); at least one day.</summary>
    public string? RotationPeriod { get; set; }

    /// <summary>The Cloud KMS endpoint (default <c>https://cloudkms.googleapis.com/</c>); http only on loopback.</summary>
    public string? Endpoint { get; set; }

    /// <summary>A service-account JSON key file (upstream's older setting); when unset, Application Default Credentials.</summary>
    public string? CredentialsPath { get; set; }

    /// <summary>How long one attempt of a KMS call may take (default 10 seconds); failed attempts are retried 3 times.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}
