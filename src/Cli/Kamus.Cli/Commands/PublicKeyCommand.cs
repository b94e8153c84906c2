using System.CommandLine;
using System.Text;
using Kamus.Cli.Files;
using Kamus.Cli.Service;
using Kamus.Client.Offline;

namespace Kamus.Cli.Commands;

/// <summary>
/// <c>kamus publickey fetch</c>: saves a service account's signed public key statement, after checking it, so that
/// <c>encrypt --public-key</c> can encrypt for the account later without the server. The statement is safe to commit.
/// </summary>
internal static class PublicKeyCommand
{
    public static Command Create(CommandRunner runner)
    {
        var serviceAccount = new Option<string>("--service-account", "-a") { Description = "The service account whose key to fetch.", Required = true };
        var @namespace = new Option<string>("--namespace", "-n") { Description = "The service account's namespace.", Required = true };
        var output = new Option<string>("--output", "-o") { Description = "Write the statement to this file instead of standard output." };
        var overwrite = new Option<bool>("--overwrite", "-O") { Description = "Let --output replace an existing file." };
        var connection = new ConnectionOptions(forDecrypt: false);
        var publicKey = new PublicKeyOptions();

        var fetch = new Command("fetch", "Fetch and check a service account's public key statement (JSON, safe to commit) for offline encryption.")
        {
            serviceAccount, @namespace, output, overwrite, publicKey.SignerFingerprint,
        };
        connection.AddTo(fetch);

        runner.SetAction(fetch, async (parseResult, cancellationToken) =>
        {
            var console = runner.Console;
            var identity = ServiceAccountArguments.Validate(parseResult.GetRequiredValue(@namespace), parseResult.GetRequiredValue(serviceAccount));
            var target = parseResult.GetValue(output);
            var mayOverwrite = parseResult.GetValue(overwrite);
            if (target is not null && File.Exists(target) && !mayOverwrite)
            {
                throw CliException.Input($"{target} already exists; give --overwrite (-O) to replace it.");
            }

            var kamus = connection.Resolve(parseResult, console);
            var statement = await CliClientFactory.UseAsync(console, kamus, client => client.GetPublicKeyStatementAsync(identity.Name, identity.Namespace, cancellationToken));

            // The same checks as encrypting with it: a statement that would be refused later is not saved now.
            KamusOfflineEncryptor.Create(statement, identity.Namespace, identity.Name, publicKey.SignerPin(parseResult, console, statement)).Dispose();

            var json = statement.ToJson();
            if (target is null)
            {
                console.Output.WriteLine(json);
            }
            else
            {
                AtomicFile.Write(target, Encoding.UTF8.GetBytes(json + "\n"), mayOverwrite);
            }

            console.Info(
                $"Public key of {identity}: epoch {statement.Epoch}, key {statement.KeyId}, valid until {statement.NotAfter:u}, " +
                $"signed by the key with fingerprint {statement.SignerFingerprint}" + (target is null ? "." : $"; written to {target}."));
            return ExitCodes.Ok;
        });

        return new Command("publickey", "Public key statements for offline encryption (see docs/offline.md).") { fetch };
    }
}
