using Amazon.Runtime;
using Kamus.KeyManagement.Cloud;

namespace Kamus.KeyManagement.AwsKms;

/// <summary>The checked form of <see cref="AwsKmsOptions"/>.</summary>
internal sealed record AwsKmsSettings(string Region, AWSCredentials? Credentials, string AliasPrefix, bool AutomaticKeyRotation, Uri? ServiceUrl)
{
    /// <summary>The KMS in a few words, for error reasons.</summary>
    public string Name => $"AWS KMS {Region}";

    /// <summary>Where the keys are, for logs (no credential).</summary>
    public string Description => $"AWS KMS {Region}{(ServiceUrl is null ? string.Empty : " at " + ServiceUrl.GetLeftPart(UriPartial.Authority))}, aliases {AliasPrefix}*";

    /// <summary>
    /// Checks every setting, naming the first that is missing or wrong (never a credential). The region falls back to
    /// the SDK's own environment variables, read through <paramref name="environment"/>.
    /// </summary>
    /// <exception cref="KamusSettingsException">A setting is missing or wrong.</exception>
    public static AwsKmsSettings Read(AwsKmsOptions options, Func<string, string?> environment)
    {
        var region = FirstSet(options.Region, environment("AWS_REGION"), environment("AWS_DEFAULT_REGION"))
            ?? throw new KamusSettingsException("KeyManagement:AwsKms:Region is required with KeyManagement:Provider=AwsKms (or set the AWS_REGION environment variable).");
        if (!region.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
        {
            throw new KamusSettingsException($"KeyManagement:AwsKms:Region '{region}' is not an AWS region name (for example eu-west-1).");
        }

        var hasKey = !string.IsNullOrWhiteSpace(options.Key);
        var hasSecret = !string.IsNullOrWhiteSpace(options.Secret);
        if (hasKey != hasSecret)
        {
            throw new KamusSettingsException(hasKey
                ? "KeyManagement:AwsKms:Secret is required with KeyManagement:AwsKms:Key (or set neither to use the default credential chain: IRSA, EKS Pod Identity, instance profile)."
                : "KeyManagement:AwsKms:Key is required with KeyManagement:AwsKms:Secret (or set neither to use the default credential chain: IRSA, EKS Pod Identity, instance profile).");
        }

        var prefix = options.CmkPrefix?.Trim() ?? string.Empty;
        if (!prefix.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '_' or '-') || prefix.Length > 180)
        {
            throw new KamusSettingsException("KeyManagement:AwsKms:CmkPrefix may contain only letters, digits, '/', '_' and '-' (at most 180), as an AWS alias name allows.");
        }

        if (options.Timeout <= TimeSpan.Zero)
        {
            throw new KamusSettingsException("KeyManagement:AwsKms:Timeout must be positive.");
        }

        var serviceUrl = CloudEndpoint.Parse(options.ServiceUrl, "KeyManagement:AwsKms:ServiceUrl");
        var credentials = hasKey ? new BasicAWSCredentials(options.Key!.Trim(), options.Secret!.Trim()) : null;
        var aliasPrefix = prefix.Length == 0 ? "alias/kamus/" : $"alias/{prefix}-kamus/";
        return new AwsKmsSettings(region.Trim(), credentials, aliasPrefix, options.AutomaticKeyRotation, serviceUrl);
    }

    /// <summary>Never shows credentials.</summary>
    public override string ToString() => Description;

    private static string? FirstSet(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim();
}
