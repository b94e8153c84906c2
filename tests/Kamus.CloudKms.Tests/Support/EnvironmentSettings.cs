using Kamus.Testing;

namespace Kamus.CloudKms.Tests.Support;

/// <summary>
/// Configures the real server the way a deployment does: with environment variables only (<c>KeyManagement__Provider</c>,
/// ...), turned into settings as ASP.NET Core's environment-variable source does (<c>__</c> is <c>:</c>). The host's
/// defaults (upstream's AES key) are removed first, so nothing but these variables selects and configures the KMS.
/// </summary>
internal static class EnvironmentSettings
{
    public static void Apply(KamusServerHostOptions options, IReadOnlyDictionary<string, string> environment)
    {
        options.Settings["KeyManagement:Provider"] = null;
        options.Settings["KeyManagement:AES:Key"] = null;
        options.Settings["KeyManagement:AES:UseKeyDeriviation"] = null;
        foreach (var (name, value) in environment)
        {
            options.Settings[name.Replace("__", ":", StringComparison.Ordinal)] = value;
        }
    }
}
