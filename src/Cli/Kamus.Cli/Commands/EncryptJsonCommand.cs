using System.CommandLine;
using Kamus.Cli.Files;
using Kamus.Cli.Json;
using Kamus.Cli.Service;
using Kamus.Cli.Terminal;

namespace Kamus.Cli.Commands;

/// <summary>
/// <c>kamus encrypt-json</c>: encrypts chosen values of an appsettings file in place, all in one batch call so they
/// share one envelope data key, keeping every other byte of the file.
/// </summary>
internal static class EncryptJsonCommand
{
    public static Command Create(CommandRunner runner)
    {
        var file = new Argument<string>("file") { Description = "The JSON configuration file (comments allowed)." };
        var serviceAccount = new Option<string>("--service-account", "-a") { Description = "The service account that may decrypt.", Required = true };
        var @namespace = new Option<string>("--namespace", "-n") { Description = "The service account's namespace.", Required = true };
        var keys = new Option<string[]>("--key", "-k")
        {
            Description = "A configuration key to encrypt, ':'-separated; '*' matches one segment (ConnectionStrings:*). Repeat for more.",
            Required = true,
            Arity = ArgumentArity.OneOrMore,
        };
        var dryRun = new Option<bool>("--dry-run") { Description = "List the keys that would be encrypted and change nothing." };
        var connection = new ConnectionOptions(forDecrypt: false);
        var azure = new AzureAdOptions();
        var publicKey = new PublicKeyOptions();

        var command = new Command("encrypt-json", "Encrypt values of a JSON configuration file in place (as kamus:<ciphertext>), keeping comments and formatting.")
        {
            file, serviceAccount, @namespace, keys, dryRun,
        };
        connection.AddTo(command);
        azure.AddTo(command);
        publicKey.AddTo(command);

        runner.SetAction(command, async (parseResult, cancellationToken) =>
        {
            var console = runner.Console;
            var path = parseResult.GetRequiredValue(file);
            var identity = ServiceAccountArguments.Validate(parseResult.GetRequiredValue(@namespace), parseResult.GetRequiredValue(serviceAccount));
            var patterns = parseResult.GetRequiredValue(keys).Select(ConfigPathPattern.Parse).ToList();
            azure.WarnIfUsed(parseResult, console);

            var plan = JsonEncryptionPlan.Create(InputFile.ReadAllBytes(path), patterns, path);
            foreach (var empty in plan.Empty)
            {
                console.Warning($"{empty.Path} is empty; left as it is.");
            }

            if (parseResult.GetValue(dryRun))
            {
                foreach (var node in plan.Pending.Values)
                {
                    console.Output.WriteLine(node.Path);
                }

                console.Info($"Dry run: {Count(plan.Pending.Count, "value")} would be encrypted for {identity}, {plan.AlreadyEncrypted} already encrypted; {path} not changed.");
                return ExitCodes.Ok;
            }

            if (plan.Pending.Count == 0)
            {
                console.Info($"Nothing to encrypt: {Count(plan.AlreadyEncrypted, "selected value")} already encrypted; {path} not changed.");
                return ExitCodes.Ok;
            }

            IReadOnlyDictionary<string, string> ciphertexts;
            if (publicKey.IsOffline(parseResult, connection))
            {
                // Offline: each value is sealed on its own to the account's public key (there is no shared data key).
                using var offline = publicKey.CreateEncryptor(parseResult, console, identity);
                ciphertexts = plan.Plaintexts().ToDictionary(item => item.Key, item => offline.Encrypt(item.Value), StringComparer.Ordinal);
            }
            else
            {
                var kamus = connection.Resolve(parseResult, console);
                await using (ProgressDisplay.Start(console, plan.Pending.Count, $"Encrypting {plan.Pending.Count} values for {identity}..."))
                {
                    ciphertexts = await CliClientFactory.UseAsync(console, kamus, client =>
                        client.EncryptManyAsync(identity.Name, identity.Namespace, plan.Plaintexts(), cancellationToken));
                }
            }

            AtomicFile.Write(path, plan.Apply(ciphertexts), overwrite: true);
            console.Info($"Encrypted {Count(plan.Pending.Count, "value")} in {path} for {identity}" +
                (plan.AlreadyEncrypted > 0 ? $" ({plan.AlreadyEncrypted} already encrypted)." : "."));
            return ExitCodes.Ok;
        });

        return command;
    }

    private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";
}
