using System.Net;

namespace Kamus.KeyManagement.Cloud;

/// <summary>
/// Reads a KMS endpoint setting. KMS traffic carries data keys and bearer credentials, so the endpoint must be https;
/// plain http is accepted only on a loopback address (a test stand-in, or a local proxy that itself speaks TLS).
/// </summary>
internal static class CloudEndpoint
{
    /// <summary>Parses <paramref name="value"/>, or returns <see langword="null"/> when it is not set.</summary>
    /// <exception cref="KamusSettingsException">Not an absolute http(s) URL, user info in it, or http off loopback.</exception>
    public static Uri? Parse(string? value, string setting)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw new KamusSettingsException($"{setting} must be an absolute https:// URL.");
        }

        if (uri.UserInfo.Length > 0)
        {
            throw new KamusSettingsException($"{setting} must not carry credentials in the URL; use the provider's credential settings.");
        }

        if (uri.Scheme == Uri.UriSchemeHttp && !IsLoopback(uri))
        {
            throw new KamusSettingsException(
                $"{setting} is plain http to '{uri.Host}', which is not a loopback address. Use https: plain http is accepted only on 127.0.0.0/8, [::1] and localhost.");
        }

        return uri;
    }

    /// <summary>Whether <paramref name="uri"/> names this machine: <c>localhost</c> or a loopback IP address.</summary>
    public static bool IsLoopback(Uri uri) =>
        string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
