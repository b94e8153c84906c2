using Kamus.Cli.Service;
using Kamus.Client;

namespace Kamus.Cli.Tests.Support;

/// <summary>Runs the tool in-process with its own streams and environment.</summary>
public static class KamusTool
{
    public static async Task<CliResult> RunAsync(
        string[] args,
        string stdin = "",
        IReadOnlyDictionary<string, string>? variables = null,
        IKamusClient? client = null,
        bool inputTerminal = false,
        bool errorTerminal = false)
    {
        var environment = new CliEnvironment
        {
            GetVariable = name => variables is not null && variables.TryGetValue(name, out var value) ? value : null,
            IsInputTerminal = inputTerminal,
            IsErrorTerminal = errorTerminal,
            ClientFactory = client is null ? CliClientFactory.Create : _ => client,
        };
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await KamusCli.RunAsync(args, new StringReader(stdin), stdout, stderr, environment);
        return new CliResult(exit, stdout.ToString(), stderr.ToString());
    }
}
