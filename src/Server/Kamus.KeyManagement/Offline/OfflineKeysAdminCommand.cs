using Microsoft.Extensions.Configuration;

namespace Kamus.KeyManagement.Offline;

/// <summary>
/// <c>Kamus.Server offline-keys-generate [--only seed|signing-key] [settings]</c>: makes a fresh master seed and
/// statement-signing key for offline encryption, each wrapped by the key provider of the server's own
/// <c>KeyManagement</c> settings, and prints the settings to add. Neither secret is ever printed in plaintext.
/// </summary>
internal static class OfflineKeysAdminCommand
{
    /// <summary>The command name (first argument).</summary>
    public const string Name = "offline-keys-generate";

    /// <summary>Runs the command; returns the process exit code.</summary>
    /// <param name="configuration">The server's own configuration sources, with the command's arguments.</param>
    /// <param name="output">Where the settings go.</param>
    /// <param name="error">Where usage and errors go.</param>
    /// <param name="cancellationToken">Cancels the wrapping.</param>
    public static async Task<int> RunAsync(IConfiguration configuration, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var only = configuration["only"];
        if (only is not (null or "seed" or "signing-key"))
        {
            await error.WriteLineAsync($"usage: {Name} [--only seed|signing-key] [--KeyManagement:...=...]: wraps new secrets with the configured key provider.").ConfigureAwait(false);
            return 2;
        }

        var options = configuration.GetSection(KeyManagementOptions.SectionName).Get<KeyManagementOptions>() ?? new KeyManagementOptions();
        try
        {
            // Never the development key: secrets wrapped by a public key would protect nothing.
            using var keys = KeyMaterial.Load(options, developmentMode: false);
            if (only is null or "seed")
            {
                var seed = await OfflineSecret.GenerateAsync(keys.Provider, OfflineSecret.SeedPurpose, cancellationToken).ConfigureAwait(false);
                await output.WriteLineAsync($"KeyManagement__Offline__Seed={seed}").ConfigureAwait(false);
            }

            if (only is null or "signing-key")
            {
                var signing = await OfflineSecret.GenerateAsync(keys.Provider, OfflineSecret.SigningKeyPurpose, cancellationToken).ConfigureAwait(false);
                await output.WriteLineAsync($"KeyManagement__Offline__SigningKey={signing}").ConfigureAwait(false);
            }

            await error.WriteLineAsync(
                $"Wrapped under master key '{keys.Provider.CurrentKeyId}'. Store these settings like the master key's (a Secret), restart the servers, " +
                "and publish the signer fingerprint the server logs at start (or 'kamus publickey fetch' prints) for users to pin. " +
                "A new seed changes every account's key pairs: values made with the old seed no longer decrypt.").ConfigureAwait(false);
            return 0;
        }
        catch (KamusSettingsException e)
        {
            await error.WriteLineAsync($"{Name}: {e.Message}").ConfigureAwait(false);
            return 1;
        }
    }
}
