using System.CommandLine;
using System.Globalization;
using Kamus.Cli.Secrets;
using Kamus.Cli.Service;
using Kamus.Wire.Formats;

namespace Kamus.Cli.Commands;

/// <summary>
/// <c>kamus decrypt</c>: for debugging inside a pod, with its service-account token file. Prints only the length and
/// a fingerprint of the plaintext unless <c>--show-plaintext</c> is given.
/// </summary>
internal static class DecryptCommand
{
    public static Command Create(CommandRunner runner)
    {
        var ciphertextArgument = new Argument<string?>("ciphertext")
        {
            Description = "The ciphertext, with or without the kamus: marker (else read from standard input).",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var showPlaintext = new Option<bool>("--show-plaintext") { Description = "Print the plaintext itself (it may end up in terminal scrollback and logs)." };
        var connection = new ConnectionOptions(forDecrypt: true);
        var command = new Command("decrypt", "Decrypt a value as this pod's service account (for debugging). Prints its length and fingerprint, not the plaintext.")
        {
            ciphertextArgument, showPlaintext,
        };
        connection.AddTo(command);

        runner.SetAction(command, async (parseResult, cancellationToken) =>
        {
            var console = runner.Console;
            var text = parseResult.GetValue(ciphertextArgument);
            if (text is null)
            {
                if (console.Environment.IsInputTerminal)
                {
                    throw CliException.Usage("no ciphertext given: pass it as an argument or on standard input.");
                }

                text = await console.Input.ReadToEndAsync(cancellationToken);
            }

            var ciphertext = EncryptedValueMarker.Strip(text.Trim());
            if (!CiphertextParser.TryParse(ciphertext, out _, out var reason))
            {
                throw CliException.Input($"not a Kamus ciphertext: {reason}.");
            }

            var kamus = connection.Resolve(parseResult, console);
            var plaintext = await CliClientFactory.UseAsync(console, kamus, client => client.DecryptAsync(ciphertext, cancellationToken));
            if (parseResult.GetValue(showPlaintext))
            {
                console.Output.WriteLine(plaintext);
            }
            else
            {
                // The same 8-hex SHA-256 prefix as ciphertext fingerprints: compare with printf '%s' "$expected" | sha256sum | cut -c1-8.
                console.Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"length {plaintext.Length}, sha256 {CiphertextFingerprint.Of(plaintext)}"));
                console.Info("Decrypted; give --show-plaintext to print the value itself.");
            }

            return ExitCodes.Ok;
        });

        return command;
    }
}
