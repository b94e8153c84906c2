using Kamus.KeyManagement;
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

    /// <summary>
    /// Starts the server with <paramref name="environment"/>, <paramref name="name"/> set to <paramref name="value"/>
    /// (removed when <see langword="null"/>), expecting it to refuse; answers the refusal.
    /// </summary>
    public static async Task<KamusSettingsException> StartupRefusalAsync(Dictionary<string, string> environment, string name, string? value)
    {
        if (value is null)
        {
            environment.Remove(name);
        }
        else
        {
            environment[name] = value;
        }

        return await Assert.ThrowsAsync<KamusSettingsException>(() => KamusServerHost.StartAsync(o => Apply(o, environment)));
    }
}
