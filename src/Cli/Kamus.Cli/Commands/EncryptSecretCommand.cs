using System.CommandLine;
using System.Text;
using Kamus.Cli.Files;
using Kamus.Cli.Secrets;
using Kamus.Cli.Service;
using Kamus.Wire.Formats;

namespace Kamus.Cli.Commands;

/// <summary>
/// <c>kamus encrypt-secret</c>: a Kubernetes Secret (manifest, or <c>--from-literal</c>/<c>--from-file</c>) becomes a
/// KamusSecret manifest on standard output, each value encrypted for the service account and bound to its KamusSecret
/// key (namespace, name, key), as <c>kubeseal</c> does for Sealed Secrets. All values go in one batch call.
/// </summary>
internal static class EncryptSecretCommand
{
    public static Command Create(CommandRunner runner)
    {
        var file = new Argument<string?>("file") { Description = "A Secret manifest, YAML or JSON ('-' or nothing: standard input).", Arity = ArgumentArity.ZeroOrOne };
        var serviceAccount = new Option<string>("--service-account", "-a") { Description = "The service account whose pods' KamusSecret may decrypt the values.", Required = true };
        var @namespace = new Option<string>("--namespace", "-n") { Description = "The namespace of the KamusSecret and its service account.", Required = true };
        var name = new Option<string>("--name") { Description = "The KamusSecret's name (default: the Secret's metadata.name)." };
        var literals = new Option<string[]>("--from-literal") { Description = "A text value, key=value (it stays in shell history; prefer --from-file). Repeat for more.", Arity = ArgumentArity.OneOrMore };
        var files = new Option<string[]>("--from-file") { Description = "A value from a file's bytes, [key=]path (key defaults to the file name). Repeat for more.", Arity = ArgumentArity.OneOrMore };
        var type = new Option<string>("--type") { Description = "The Secret type (default: the manifest's, else Opaque)." };
        var format = new Option<string>("--format") { Description = "yaml (default) or json.", DefaultValueFactory = _ => "yaml" };
        var noBind = new Option<bool>("--no-bind") { Description = "Do not bind values to this KamusSecret's name and keys (weaker: anyone who can create a KamusSecret in the namespace could read them). For names a tool rewrites, such as kustomize's namePrefix." };
        var connection = new ConnectionOptions(forDecrypt: false);

        var command = new Command("encrypt-secret", "Turn a Kubernetes Secret into a KamusSecret manifest (standard output): every value encrypted for the service account and bound to its KamusSecret key.")
        {
            file, serviceAccount, @namespace, name, literals, files, type, format, noBind,
        };
        connection.AddTo(command);

        runner.SetAction(command, async (parseResult, cancellationToken) =>
        {
            var console = runner.Console;
            var identity = ServiceAccountArguments.Validate(parseResult.GetRequiredValue(@namespace), parseResult.GetRequiredValue(serviceAccount));
            var json = (parseResult.GetValue(format) ?? "yaml") switch
            {
                "yaml" => false,
                "json" => true,
                var other => throw CliException.Usage($"--format must be yaml or json, not '{other}'."),
            };

            var secret = await ReadAsync(parseResult.GetValue(file), parseResult.GetValue(literals) ?? [], parseResult.GetValue(files) ?? [], console, cancellationToken);
            foreach (var literal in parseResult.GetValue(literals) ?? [])
            {
                secret.AddLiteral(literal);
            }

            foreach (var path in parseResult.GetValue(files) ?? [])
            {
                secret.AddFile(path);
            }

            secret.Resolve(parseResult.GetValue(name), identity.Namespace);
            secret.Type = parseResult.GetValue(type) ?? secret.Type;
            if (secret.Count == 0)
            {
                throw CliException.Input($"{secret} has no values to encrypt.");
            }

            var bind = !parseResult.GetValue(noBind);
            if (!bind)
            {
                console.Warning("--no-bind: the values are not bound to this KamusSecret; anyone who can create a KamusSecret in the namespace and read its Secret could decrypt them.");
            }

            var items = new Dictionary<string, string>(StringComparer.Ordinal);
            var contexts = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (section, values) in new[] { ("data", secret.Data), ("stringData", secret.StringData) })
            {
                foreach (var (key, value) in values)
                {
                    items[$"{section}/{key}"] = value;
                    contexts[$"{section}/{key}"] = CiphertextContext.ForKamusSecret(identity.Namespace, secret.Name!, key);
                }
            }

            var kamus = connection.Resolve(parseResult, console);
            var ciphertexts = await CliClientFactory.UseAsync(console, kamus, client => bind
                ? (client as IBoundEncryptor ?? throw CliException.Usage("this Kamus client cannot bind values; give --no-bind.")).EncryptBoundAsync(identity.Name, identity.Namespace, items, contexts, cancellationToken)
                : client.EncryptManyAsync(identity.Name, identity.Namespace, items, cancellationToken));

            var manifest = new KamusSecretManifest
            {
                Metadata = new k8s.Models.V1ObjectMeta
                {
                    Name = secret.Name,
                    NamespaceProperty = identity.Namespace,
                    Labels = secret.Labels.Count > 0 ? secret.Labels : null,
                    Annotations = secret.Annotations.Count > 0 ? secret.Annotations : null,
                },
                Type = secret.Type,
                ServiceAccount = identity.Name,
                PropagateAnnotations = secret.Annotations.Count > 0 ? true : null,
                Data = Section(ciphertexts, "data"),
                StringData = Section(ciphertexts, "stringData"),
            };
            await console.Output.WriteAsync(manifest.Format(json));
            console.Info($"Encrypted {secret.Count} value(s) of Secret {secret.Namespace}/{secret.Name} for {identity}{(bind ? ", bound to the KamusSecret" : "")}.");
            return ExitCodes.Ok;
        });

        return command;
    }

    private static async Task<SecretManifest> ReadAsync(string? file, string[] literals, string[] files, CliConsole console, CancellationToken cancellationToken)
    {
        if (file is null && (literals.Length > 0 || files.Length > 0))
        {
            return SecretManifest.Empty();
        }

        if (file is not null && file != "-")
        {
            return SecretManifest.Parse(Encoding.UTF8.GetString(InputFile.ReadAllBytes(file)), file);
        }

        if (console.Environment.IsInputTerminal)
        {
            throw CliException.Usage("give a Secret manifest file, pipe one to standard input, or use --from-literal/--from-file.");
        }

        return SecretManifest.Parse(await console.Input.ReadToEndAsync(cancellationToken), "standard input");
    }

    private static Dictionary<string, string>? Section(IReadOnlyDictionary<string, string> ciphertexts, string section)
    {
        var prefix = section + "/";
        var values = ciphertexts.Where(pair => pair.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(pair => pair.Key[prefix.Length..], pair => pair.Value, StringComparer.Ordinal);
        return values.Count > 0 ? values : null;
    }
}
