using System.CommandLine;
using System.Text;
using Kamus.Cli.Files;
using Kamus.Cli.Secrets;
using Kamus.Cli.Service;
using Kamus.Wire.Protocol;

namespace Kamus.Cli.Commands;

/// <summary><c>kamus encrypt</c>: one secret for one service account, with upstream kamus-cli's options.</summary>
internal static class EncryptCommand
{
    public static Command Create(CommandRunner runner)
    {
        var secret = new Option<string>("--secret", "-s") { Description = "The secret (discouraged: it stays in shell history; use standard input or --secret-file)." };
        var secretFile = new Option<string>("--secret-file", "-f") { Description = "Read the secret from this file." };
        var secretFileEncoding = new Option<string>("--secret-file-encoding")
        {
            Description = "How to read --secret-file: utf8 (default), ascii, latin1, utf16le, base64 or hex (the last two encode binary files).",
            DefaultValueFactory = _ => "utf8",
        };
        var serviceAccount = new Option<string>("--service-account", "-a") { Description = "The service account that may decrypt.", Required = true };
        var @namespace = new Option<string>("--namespace", "-n") { Description = "The service account's namespace.", Required = true };
        var output = new Option<string>("--output", "-o") { Description = "Write the ciphertext to this file instead of standard output." };
        var overwrite = new Option<bool>("--overwrite", "-O") { Description = "Let --output replace an existing file." };
        var ignoreNewLine = new Option<bool>("--ignore-new-line", "-i") { Description = "Encrypt a secret that contains a newline as it is (otherwise an error)." };
        var connection = new ConnectionOptions(forDecrypt: false);
        var azure = new AzureAdOptions();
        var publicKey = new PublicKeyOptions();

        var command = new Command("encrypt", "Encrypt one secret so that only the given service account can decrypt it. The ciphertext goes to standard output.")
        {
            secret, secretFile, secretFileEncoding, serviceAccount, @namespace, output, overwrite, ignoreNewLine,
        };
        connection.AddTo(command);
        azure.AddTo(command);
        publicKey.AddTo(command);

        runner.SetAction(command, async (parseResult, cancellationToken) =>
        {
            var console = runner.Console;
            var identity = ServiceAccountArguments.Validate(parseResult.GetRequiredValue(@namespace), parseResult.GetRequiredValue(serviceAccount));
            azure.WarnIfUsed(parseResult, console);
            var target = parseResult.GetValue(output);
            var mayOverwrite = parseResult.GetValue(overwrite);
            if (target is not null && File.Exists(target) && !mayOverwrite)
            {
                throw CliException.Input($"{target} already exists; give --overwrite (-O) to replace it.");
            }

            // Offline, the statement is checked before the secret is read; online, the connection settings are.
            using var offline = publicKey.IsOffline(parseResult, connection) ? publicKey.CreateEncryptor(parseResult, console, identity) : null;
            var kamus = offline is null ? connection.Resolve(parseResult, console) : null;
            var source = new SecretSource(parseResult.GetValue(secret), parseResult.GetValue(secretFile), parseResult.GetValue(secretFileEncoding) ?? "utf8", parseResult.GetValue(ignoreNewLine));
            var plaintext = await SecretReader.ReadAsync(source, console, cancellationToken);

            var ciphertext = offline is not null
                ? offline.Encrypt(plaintext)
                : await CliClientFactory.UseAsync(console, kamus!, client => client.EncryptAsync(plaintext, identity.Name, identity.Namespace, cancellationToken));
            if (EncryptAnswer.Problem(plaintext, ciphertext) is { } problem)
            {
                throw new CliException(ExitCodes.Unreachable, $"the server's answer cannot be used: {problem}. Nothing was written.");
            }

            if (target is null)
            {
                console.Output.WriteLine(ciphertext);
            }
            else
            {
                // No trailing newline: the file is the ciphertext, ready for kubectl create secret --from-file.
                var bytes = Encoding.UTF8.GetBytes(ciphertext);
                AtomicFile.Write(target, stream => stream.Write(bytes), mayOverwrite, console.Warning);
                console.Info($"Encrypted for {identity}; written to {target}.");
            }

            return ExitCodes.Ok;
        });

        return command;
    }
}
