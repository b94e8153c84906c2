using System.Globalization;
using Kamus.KeyManagement.Cloud;

namespace Kamus.KeyManagement.GoogleKms;

/// <summary>The checked form of <see cref="GoogleKmsOptions"/>.</summary>
internal sealed record GoogleKmsSettings(string KeyRing, string ProtectionLevel, TimeSpan? RotationPeriod, Uri Endpoint)
{
    private static readonly Uri DefaultEndpoint = new("https://cloudkms.googleapis.com/");

    /// <summary>Checks every setting, naming the first that is missing or wrong (never a value that could be secret).</summary>
    /// <exception cref="KamusSettingsException">A setting is missing or wrong.</exception>
    public static GoogleKmsSettings Read(GoogleKmsOptions options)
    {
        var project = Required(options.ProjectId, "ProjectId");
        var location = Required(options.Location, "Location");
        var keyRing = Required(options.KeyRingName, "KeyRingName");
        var protection = string.IsNullOrWhiteSpace(options.ProtectionLevel) ? "SOFTWARE" : options.ProtectionLevel.Trim().ToUpperInvariant();
        if (protection is not ("SOFTWARE" or "HSM"))
        {
            throw new KamusSettingsException($"KeyManagement:GoogleKms:ProtectionLevel must be SOFTWARE or HSM, not '{options.ProtectionLevel}'.");
        }

        TimeSpan? rotation = null;
        if (!string.IsNullOrWhiteSpace(options.RotationPeriod))
        {
            if (!TimeSpan.TryParse(options.RotationPeriod, CultureInfo.InvariantCulture, out var period) || period < TimeSpan.FromDays(1))
            {
                throw new KamusSettingsException(
                    $"KeyManagement:GoogleKms:RotationPeriod '{options.RotationPeriod}' must be a .NET TimeSpan of at least one day (for example 30 for 30 days, or 90.00:00:00).");
            }

            rotation = period;
        }

        if (options.Timeout <= TimeSpan.Zero)
        {
            throw new KamusSettingsException("KeyManagement:GoogleKms:Timeout must be positive.");
        }

        var endpoint = CloudEndpoint.Parse(options.Endpoint, "KeyManagement:GoogleKms:Endpoint") ?? DefaultEndpoint;
        return new GoogleKmsSettings($"projects/{project}/locations/{location}/keyRings/{keyRing}", protection, rotation, endpoint);
    }

    private static string Required(string? value, string name)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new KamusSettingsException($"KeyManagement:GoogleKms:{name} is required with KeyManagement:Provider=GoogleKms.");
        }

        var trimmed = value.Trim();
        return trimmed.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            ? trimmed
            : throw new KamusSettingsException($"KeyManagement:GoogleKms:{name} '{trimmed}' may contain only letters, digits, '-', '_' and '.'.");
    }
}
