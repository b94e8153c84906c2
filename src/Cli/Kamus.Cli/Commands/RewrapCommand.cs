using System.CommandLine;
using Kamus.Cli.Files;
using Kamus.Cli.Json;
using Kamus.Cli.Secrets;
using Kamus.Cli.Service;
using Kamus.Client;
using Kamus.Wire.Formats;
using Kamus.Wire.Identity;

namespace Kamus.Cli.Commands;

/// <summary>
/// <c>kamus rewrap</c>: re-encrypts a value, or every encrypted value of an appsettings file in place, under the
/// server's current key and provider (<c>/api/v2/rewrap</c>); the plaintext never leaves the server. The token must
/// be the service account's own (<c>--token-file &lt;(kubectl create token ...)</c>).
/// </summary>
internal static class RewrapCommand
{
    public static Command Create(CommandRunner runner)
    {
        var ciphertextArgument = new Argument<string?>("ciphertext")
        {
            Description = "The value, with or without the kamus: marker (else --file, else standard input).",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var file = new Option<string>("--file", "-f") { Description = "Re-encrypt the kamus: values of this JSON configuration file in place, keeping every other byte." };
        var keys = new Option<string[]>("--key", "-k") { Description = "With --file: only these configuration keys ('*' matches one segment); by default every kamus: value." };
        var serviceAccount = new Option<string>("--service-account", "-a") { Description = "The service account the values belong to.", Required = true };
        var @namespace = new Option<string>("--namespace", "-n") { Description = "The service account's namespace.", Required = true };
        var dryRun = new Option<bool>("--dry-run") { Description = "With --file: list the keys that would be re-encrypted and change nothing." };
        var connection = new ConnectionOptions(forDecrypt: true);
        var command = new Command("rewrap", "Re-encrypt values under the server's current key and provider (key rotation, moving to a KMS), as their own service account.")
        {
            ciphertextArgument, file, keys, serviceAccount, @namespace, dryRun,
        };
        connection.AddTo(command);

        runner.SetAction(command, async (parseResult, cancellationToken) =>
        {
            var console = runner.Console;
            var identity = ServiceAccountArguments.Validate(parseResult.GetRequiredValue(@namespace), parseResult.GetRequiredValue(serviceAccount));
            var path = parseResult.GetValue(file);
            var value = parseResult.GetValue(ciphertextArgument);
            if (path is not null && value is not null)
            {
                throw CliException.Usage("give either a ciphertext or --file, not both.");
            }

            if (path is null)
            {
                return await RewrapValueAsync(console, connection.Resolve(parseResult, console), identity, value, cancellationToken);
            }

            var patterns = (parseResult.GetValue(keys) ?? []).Select(ConfigPathPattern.Parse).ToList();
            var plan = JsonRewrapPlan.Create(InputFile.ReadAllBytes(path), patterns, path);
            if (plan.Encrypted.Count == 0)
            {
                console.Info($"Nothing to re-encrypt: {path} has no kamus: value; not changed.");
                return ExitCodes.Ok;
            }

            if (parseResult.GetValue(dryRun))
            {
                foreach (var node in plan.Encrypted)
                {
                    console.Output.WriteLine(node.Path);
                }

                console.Info($"Dry run: {plan.Encrypted.Count} value(s) would be re-encrypted for {identity}; {path} not changed.");
                return ExitCodes.Ok;
            }

            var ciphertexts = plan.Ciphertexts;
            var kamus = connection.Resolve(parseResult, console);
            var outcomes = await CliClientFactory.UseAsync(console, kamus, client => client.RewrapManyAsync(identity.Name, identity.Namespace, ciphertexts, cancellationToken));
            var byCiphertext = new Dictionary<string, RewrapOutcome>(StringComparer.Ordinal);
            for (var i = 0; i < ciphertexts.Count; i++)
            {
                byCiphertext[ciphertexts[i]] = outcomes[i];
            }

            var refused = plan.Encrypted
                .Select(n => (n.Path, Outcome: byCiphertext[EncryptedValueMarker.Strip(n.StringValue!)]))
                .Where(p => !p.Outcome.Succeeded)
                .ToList();
            if (refused.Count > 0)
            {
                foreach (var (key, outcome) in refused)
                {
                    console.Error($"{key} ({outcome.Fingerprint}): {outcome.Error!.Kind}{Hint(outcome.Error.Kind, identity)}");
                }

                throw new CliException(ExitCodes.ServerRefused, $"{refused.Count} value(s) of {path} could not be re-encrypted; {path} not changed.");
            }

            AtomicFile.Write(path, plan.Apply(byCiphertext.ToDictionary(p => p.Key, p => p.Value.Ciphertext, StringComparer.Ordinal)), overwrite: true);
            console.Info($"Re-encrypted {plan.Encrypted.Count} value(s) in {path} for {identity}.");
            return ExitCodes.Ok;
        });

        return command;
    }

    private static async Task<int> RewrapValueAsync(CliConsole console, KamusConnection kamus, ServiceAccountIdentity identity, string? value, CancellationToken cancellationToken)
    {
        if (value is null)
        {
            if (console.Environment.IsInputTerminal)
            {
                throw CliException.Usage("no ciphertext given: pass it as an argument, on standard input, or give --file.");
            }

            value = await console.Input.ReadToEndAsync(cancellationToken);
        }

        var text = value.Trim();
        var ciphertext = EncryptedValueMarker.Strip(text);
        if (!CiphertextParser.TryParse(ciphertext, out _, out var reason))
        {
            throw CliException.Input($"not a Kamus ciphertext: {reason}.");
        }

        var outcomes = await CliClientFactory.UseAsync(console, kamus, client => client.RewrapManyAsync(identity.Name, identity.Namespace, [ciphertext], cancellationToken));
        if (!outcomes[0].Succeeded)
        {
            throw new CliException(ExitCodes.ServerRefused, $"the value ({outcomes[0].Fingerprint}) could not be re-encrypted: {outcomes[0].Error!.Kind}{Hint(outcomes[0].Error!.Kind, identity)}");
        }

        // The marker comes back if it was given, so the output can replace the input as it is.
        console.Output.WriteLine(EncryptedValueMarker.IsMarked(text) ? EncryptedValueMarker.Mark(outcomes[0].Ciphertext) : outcomes[0].Ciphertext);
        return ExitCodes.Ok;
    }

    private static string Hint(KamusErrorKind kind, ServiceAccountIdentity identity) => kind switch
    {
        KamusErrorKind.Forbidden => $" (not a value of {identity}, or altered)",
        KamusErrorKind.InvalidCiphertext => " (not a readable Kamus value, or its key id or provider is not configured on the server)",
        _ => string.Empty,
    };
}
