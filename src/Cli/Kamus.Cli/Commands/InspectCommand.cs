using System.CommandLine;
using Kamus.Cli.Files;
using Kamus.Cli.Json;
using Kamus.Cli.Secrets;
using Kamus.Wire.Formats;

namespace Kamus.Cli.Commands;

/// <summary>
/// <c>kamus inspect</c>: lists the encrypted entries of a configuration file (format, key id, authenticated, binding)
/// and warns about plaintext values under likely secret names. Needs no server.
/// </summary>
internal static class InspectCommand
{
    private const string BindingNotShown = "not shown by format";

    public static Command Create(CommandRunner runner)
    {
        var file = new Argument<string>("file") { Description = "The JSON configuration file (comments allowed)." };
        var failOnPlaintext = new Option<bool>("--fail-on-plaintext") { Description = $"Exit with {ExitCodes.PlaintextFound} when a likely secret is stored in plaintext (for CI)." };
        var command = new Command("inspect", "List the encrypted values of a JSON configuration file and warn about plaintext secrets.") { file, failOnPlaintext };

        runner.SetAction(command, (parseResult, _) =>
        {
            var console = runner.Console;
            var path = parseResult.GetRequiredValue(file);
            var nodes = JsonDocumentScanner.Scan(InputFile.ReadAllBytes(path));
            var rows = new List<string[]>();
            var invalid = 0;
            var plaintext = new List<string>();
            foreach (var node in nodes.Where(n => n.IsString))
            {
                var value = node.StringValue!;
                if (EncryptedValueMarker.IsMarked(value))
                {
                    var ciphertext = EncryptedValueMarker.Strip(value);
                    if (CiphertextParser.TryParse(ciphertext, out var parsed, out var reason))
                    {
                        rows.Add([node.Path, parsed.Format.ToString(), parsed.KeyId ?? "-", parsed.Format.IsAuthenticated() ? "yes" : "no", BindingNotShown, CiphertextFingerprint.Of(ciphertext)]);

                        // A value bound to another key (moved or copied there) is refused where it now is: say so before deploying.
                        var here = CiphertextContext.ForConfigurationKey(node.Path);
                        if (parsed.Context is { } bound && !CiphertextContext.Matches(bound, here))
                        {
                            invalid++;
                            console.Warning($"{node.Path} is bound to {bound}, not to {here}: it was moved or copied from there and will not decrypt here; encrypt it for this key.");
                        }
                    }
                    else
                    {
                        invalid++;
                        rows.Add([node.Path, "INVALID", "-", "-", "-", CiphertextFingerprint.Of(ciphertext)]);
                        console.Warning($"{node.Path} is marked encrypted but is not a Kamus ciphertext: {reason}.");
                    }
                }
                else if (value.Length > 0 && SecretNameHeuristics.LooksSecret(node.Path))
                {
                    plaintext.Add(node.Path);
                    console.Warning($"{node.Path} looks like a secret but is plaintext; encrypt it with: kamus encrypt-json {path} -k '{node.Path}' ...");
                }
            }

            if (rows.Count == 0)
            {
                console.Info($"{path} has no encrypted values.");
            }
            else
            {
                WriteTable(console.Output, ["KEY", "FORMAT", "KEY ID", "AUTHENTICATED", "SERVICE ACCOUNT", "FINGERPRINT"], rows);
            }

            console.Info($"{rows.Count - invalid} encrypted, {invalid} invalid, {plaintext.Count} plaintext secret(s) in {path}.");
            if (invalid > 0)
            {
                return Task.FromResult(ExitCodes.Input);
            }

            return Task.FromResult(plaintext.Count > 0 && parseResult.GetValue(failOnPlaintext) ? ExitCodes.PlaintextFound : ExitCodes.Ok);
        });

        return command;
    }

    private static void WriteTable(TextWriter output, string[] header, List<string[]> rows)
    {
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Max(r => r[i].Length))).ToArray();
        foreach (var row in rows.Prepend(header))
        {
            output.WriteLine(string.Join("  ", row.Select((cell, i) => i == row.Length - 1 ? cell : cell.PadRight(widths[i]))));
        }
    }
}
