using System.Text.RegularExpressions;
using Kamus.KeyManagement.Offline;
using Microsoft.Extensions.Configuration;

namespace Kamus.Testing;

/// <summary>
/// Offline-encryption settings for <see cref="KamusServerHost"/>: a master seed and a statement-signing key made by the
/// real admin command (<c>Kamus.Server offline-keys-generate</c>), wrapped under the compat master key (key id
/// <c>k0</c>), as an operator would make them. One pair per test process, so servers started with it share their keys.
/// </summary>
public static partial class OfflineKeys
{
    private static readonly Lazy<(string Seed, string SigningKey)> Shared = new(Generate);

    /// <summary>Turns on offline keys at <paramref name="epoch"/>, with the shared secrets or <paramref name="secrets"/>.</summary>
    public static KamusServerHostOptions UseOfflineKeys(this KamusServerHostOptions options, int epoch = 1, (string Seed, string SigningKey)? secrets = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var (seed, signingKey) = secrets ?? Shared.Value;
        options.Settings["KeyManagement:Offline:Seed"] = seed;
        options.Settings["KeyManagement:Offline:SigningKey"] = signingKey;
        options.Settings["KeyManagement:Offline:CurrentEpoch"] = epoch.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return options;
    }

    /// <summary>A fresh seed and signing key (another Kamus deployment's), wrapped under the compat master key.</summary>
    public static (string Seed, string SigningKey) Generate()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["KeyManagement:AES:Key"] = KamusServerHost.CompatMasterKey })
            .Build();
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = OfflineKeysAdminCommand.RunAsync(configuration, output, error).GetAwaiter().GetResult();
        if (exit != 0)
        {
            throw new InvalidOperationException($"{OfflineKeysAdminCommand.Name} failed ({exit}): {error}");
        }

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return (Value(lines, "KeyManagement__Offline__Seed="), Value(lines, "KeyManagement__Offline__SigningKey="));
    }

    /// <summary>The statement signer's fingerprint as the server logs it at start: what an operator publishes and users pin.</summary>
    public static string SignerFingerprint(KamusServerHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        return host.Logs.GetSnapshot().Select(r => LoggedFingerprint().Match(r.Message)).First(m => m.Success).Groups[1].Value;
    }

    private static string Value(string[] lines, string prefix) => lines.Single(l => l.StartsWith(prefix, StringComparison.Ordinal))[prefix.Length..];

    [GeneratedRegex("signed by the key with SHA-256 fingerprint ([0-9a-f]{64})")]
    private static partial Regex LoggedFingerprint();
}
