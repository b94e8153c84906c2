using System.CommandLine;
using System.Globalization;
using Kamus.Cli.Secrets;
using Kamus.Cli.Service;
using Kamus.Wire.Formats;

namespace Kamus.Cli.Commands;

/// <summary>
/// <c>kamus decrypt</c>: for debugging inside a pod, with its service-account token file. Prints only the length of
/// the plaintext unless <c>--show-plaintext</c> is given: never a hash of it, which would let anyone who sees the
/// output test guesses of a short secret offline.
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
        var key = new Option<string>("--key", "-k") { Description = "The configuration key the value is bound to (values written by encrypt-json decrypt only under their key)." };
        var connection = new ConnectionOptions(forDecrypt: true);
        var command = new Command("decrypt", "Decrypt a value as this pod's service account (for debugging). Prints its length, not the plaintext.")
        {
            ciphertextArgument, showPlaintext, key,
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
            var context = parseResult.GetValue(key) is { Length: > 0 } configurationKey ? CiphertextContext.ForConfigurationKey(configurationKey) : null;
            var plaintext = await CliClientFactory.UseAsync(console, kamus, async client => (await client.DecryptManyAsync([ciphertext], [context], cancellationToken))[0].Plaintext);
            if (parseResult.GetValue(showPlaintext))
            {
                console.Output.WriteLine(plaintext);
            }
            else
            {
                console.Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"length {plaintext.Length}"));
                console.Info("Decrypted; give --show-plaintext to print the value itself.");
            }

            return ExitCodes.Ok;
        });

        return command;
    }
}
