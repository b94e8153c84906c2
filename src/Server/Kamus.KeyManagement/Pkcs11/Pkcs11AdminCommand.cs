using Microsoft.Extensions.Configuration;

namespace Kamus.KeyManagement.Pkcs11;

/// <summary>
/// <c>Kamus.Server pkcs11-generate-key --label &lt;keyId&gt; [settings]</c>: generates a master key in the token named by
/// the server's own <c>KeyManagement:Pkcs11</c> settings (same sources: appsettings, environment, arguments).
/// </summary>
internal static class Pkcs11AdminCommand
{
    /// <summary>The command name (first argument).</summary>
    public const string GenerateKey = "pkcs11-generate-key";

    /// <summary>Runs the command; returns the process exit code.</summary>
    /// <param name="configuration">The server's own configuration sources, with the command's arguments.</param>
    /// <param name="output">Where the result goes.</param>
    /// <param name="error">Where usage and errors go.</param>
    public static int Run(IConfiguration configuration, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var label = configuration["label"];
        if (string.IsNullOrWhiteSpace(label))
        {
            error.WriteLine($"usage: {GenerateKey} --label <keyId> [--KeyManagement:Pkcs11:ModulePath=... --KeyManagement:Pkcs11:TokenLabel=...]; PIN from KeyManagement:Pkcs11:PinFile or {Pkcs11Options.PinEnvironmentVariable}.");
            return 2;
        }

        var options = configuration.GetSection(Pkcs11Options.SectionName).Get<Pkcs11Options>() ?? new Pkcs11Options();
        try
        {
            using var token = Pkcs11Token.Open(options);
            Pkcs11KeyGenerator.Generate(token, label);
            output.WriteLine(
                $"Generated the AES-256 master key '{label}' in token '{token.Label}' (sensitive, never extractable). " +
                $"Make it current with KeyManagement:Pkcs11:CurrentKeyLabel={label} and restart the servers; older keys keep unwrapping.");
            return 0;
        }
        catch (KamusSettingsException e)
        {
            error.WriteLine($"{GenerateKey}: {e.Message}");
            return 1;
        }
    }
}
