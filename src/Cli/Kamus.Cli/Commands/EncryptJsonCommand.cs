using System.CommandLine;
using Kamus.Cli.Files;
using Kamus.Cli.Json;
using Kamus.Cli.Service;
using Kamus.Cli.Terminal;
using Kamus.Client;
using Kamus.Wire.Formats;
using Kamus.Wire.Protocol;

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
        var noBind = new Option<bool>("--no-bind")
        {
            Description = "Do not bind each value to its configuration key. By default a value decrypts only under the key it was encrypted for, so a value moved to another key fails; readers other than AddKamus, and servers that predate binding, need unbound values.",
        };
        var connection = new ConnectionOptions(forDecrypt: false);
        var azure = new AzureAdOptions();
        var publicKey = new PublicKeyOptions();

        var command = new Command("encrypt-json", "Encrypt values of a JSON configuration file in place (as kamus:<ciphertext>), keeping comments and formatting.")
        {
            file, serviceAccount, @namespace, keys, dryRun, noBind,
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

            var bind = !parseResult.GetValue(noBind);
            var plaintexts = plan.Plaintexts();
            var contexts = bind ? plan.Pending.ToDictionary(p => p.Key, p => CiphertextContext.ForConfigurationKey(p.Value.Path), StringComparer.Ordinal) : null;
            IReadOnlyDictionary<string, string> ciphertexts;
            if (publicKey.IsOffline(parseResult, connection))
            {
                // Offline: each value is sealed on its own to the account's public key (there is no shared data key).
                using var offline = publicKey.CreateEncryptor(parseResult, console, identity);
                ciphertexts = plaintexts.ToDictionary(item => item.Key, item => offline.Encrypt(item.Value, contexts?[item.Key]), StringComparer.Ordinal);
            }
            else
            {
                var kamus = connection.Resolve(parseResult, console);
                await using (ProgressDisplay.Start(console, plan.Pending.Count, $"Encrypting {plan.Pending.Count} values for {identity}..."))
                {
                    try
                    {
                        ciphertexts = await CliClientFactory.UseAsync(console, kamus, client =>
                            client.EncryptManyAsync(identity.Name, identity.Namespace, plaintexts, contexts, cancellationToken));
                    }
                    catch (KamusException e) when (bind && e.Kind == KamusErrorKind.Protocol)
                    {
                        throw new CliException(ExitCodes.Unreachable, $"{e.Message.TrimEnd('.')}. {path} not changed; with a server that predates binding values to their keys, give --no-bind.", e);
                    }
                }
            }

            CheckAnswers(plan, plaintexts, ciphertexts, contexts, path);
            var updated = plan.Apply(ciphertexts);
            AtomicFile.Write(path, stream => stream.Write(updated), overwrite: true, console.Warning);
            console.Info($"Encrypted {Count(plan.Pending.Count, "value")} in {path} for {identity}" +
                (plan.AlreadyEncrypted > 0 ? $" ({plan.AlreadyEncrypted} already encrypted)." : "."));
            return ExitCodes.Ok;
        });

        return command;
    }

    // Before anything is written: every answer must be a ciphertext, not the plaintext, and bound when asked to be.
    private static void CheckAnswers(JsonEncryptionPlan plan, IReadOnlyDictionary<string, string> plaintexts, IReadOnlyDictionary<string, string> ciphertexts, Dictionary<string, string>? contexts, string path)
    {
        foreach (var (name, node) in plan.Pending)
        {
            var context = contexts?[name];
            if (ciphertexts.TryGetValue(name, out var ciphertext) && EncryptAnswer.Problem(plaintexts[name], ciphertext, context) is { } problem)
            {
                var hint = context is not null && CiphertextParser.TryParse(ciphertext, out _, out _) ? " (give --no-bind for a server that predates binding values to their keys)" : string.Empty;
                throw new CliException(ExitCodes.Unreachable, $"the server's answer for {node.Path} cannot be used: {problem}{hint}. {path} not changed.");
            }
        }
    }

    private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";
}
