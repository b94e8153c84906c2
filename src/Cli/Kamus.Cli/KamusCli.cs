using System.CommandLine;
using Kamus.Cli.Commands;
using Kamus.Cli.Service;

namespace Kamus.Cli;

/// <summary>The <c>kamus</c> tool, runnable in-process: the executable's <c>Main</c> calls <see cref="RunAsync"/> with the console.</summary>
internal static class KamusCli
{
    /// <summary>Runs one command line.</summary>
    /// <param name="args">The arguments, without the program name.</param>
    /// <param name="stdin">Standard input (secrets, ciphertexts).</param>
    /// <param name="stdout">Standard output: results only.</param>
    /// <param name="stderr">Standard error: messages, warnings, errors, progress.</param>
    /// <param name="environment">The process environment; by default the real environment variables and non-terminal streams.</param>
    /// <param name="cancellationToken">Cancels the run (exit code <see cref="ExitCodes.Cancelled"/>).</param>
    /// <returns>The exit code (<see cref="ExitCodes"/>).</returns>
    public static async Task<int> RunAsync(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr, CliEnvironment? environment = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        var console = new CliConsole(stdin, stdout, stderr, environment ?? new CliEnvironment());
        // -v is upstream kamus-cli's short form of --verbose, -V of --version.
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Show details (stack traces) of errors.", Recursive = true };
        var upstream = new UpstreamCliOptions();
        var runner = new CommandRunner(console, verbose, upstream);
        var root = new RootCommand("kamus: encrypt secrets and appsettings values for one Kubernetes service account with a Kamus server.")
        {
            EncryptCommand.Create(runner),
            EncryptJsonCommand.Create(runner),
            EncryptSecretCommand.Create(runner),
            InspectCommand.Create(runner),
            DecryptCommand.Create(runner),
            RewrapCommand.Create(runner),
            PublicKeyCommand.Create(runner),
        };
        root.Options.Add(verbose);
        upstream.AddTo(root);
        root.Options.OfType<VersionOption>().Single().Aliases.Add("-V");

        var parseResult = root.Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            // One line, whatever the number of errors.
            var commandName = parseResult.CommandResult.Command == root ? "kamus" : "kamus " + parseResult.CommandResult.Command.Name;
            console.Error($"{string.Join(" ", parseResult.Errors.Select(e => e.Message))} See '{commandName} --help'.");
            return ExitCodes.Usage;
        }

        var invocation = new InvocationConfiguration
        {
            Output = stdout,
            Error = stderr,
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = null,
        };
        return await parseResult.InvokeAsync(invocation, cancellationToken);
    }
}
