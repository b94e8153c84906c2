namespace Kamus.KeyManagement.AwsKms;

/// <summary>
/// AWS KMS (<c>KeyManagement:Provider=AwsKms</c>, section <c>KeyManagement:AwsKms</c>): upstream's settings plus
/// <see cref="ServiceUrl"/> and <see cref="Timeout"/>. Without <see cref="Key"/> and <see cref="Secret"/> the SDK's
/// default credential chain is used (IRSA, EKS Pod Identity, environment, instance profile).
/// </summary>
internal sealed class AwsKmsOptions
{
    /// <summary>The region (default: the <c>AWS_REGION</c> or <c>AWS_DEFAULT_REGION</c> environment variable).</summary>
    public string? Region { get; set; }

    /// <summary>An access key id (with <see cref="Secret"/>); unset for the default credential chain.</summary>
    public string? Key { get; set; }

    /// <summary>The secret access key of <see cref="Key"/>.</summary>
    public string? Secret { get; set; }

    /// <summary>A prefix of the aliases Kamus creates: <c>alias/&lt;prefix&gt;-kamus/&lt;key id&gt;</c>.</summary>
    public string? CmkPrefix { get; set; }

    /// <summary>Enables AWS's yearly automatic rotation on the keys Kamus creates.</summary>
    public bool AutomaticKeyRotation { get; set; }

    /// <summary>An endpoint override (a VPC endpoint, or a test stand-in); https, or http only on loopback.</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>How long one attempt of a KMS call may take (default 10 seconds); the SDK retries 3 times (standard mode).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}
