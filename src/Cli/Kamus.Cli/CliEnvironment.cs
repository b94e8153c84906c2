using Kamus.Cli.Service;
using Kamus.Client;

namespace Kamus.Cli;

/// <summary>
/// What the tool knows about the process it runs in: environment variables and whether the standard streams are
/// terminals. Tests run the tool in-process with their own environment.
/// </summary>
internal sealed class CliEnvironment
{
    /// <summary>Reads an environment variable (<c>KAMUS_URL</c>, <c>KAMUS_TOKEN</c>, <c>TOKEN_FILE_PATH</c>, ...).</summary>
    public Func<string, string?> GetVariable { get; init; } = Environment.GetEnvironmentVariable;

    /// <summary>Whether standard input is an interactive terminal (then the tool never waits for a secret on it).</summary>
    public bool IsInputTerminal { get; init; }

    /// <summary>Whether standard error is an interactive terminal (then long operations show progress).</summary>
    public bool IsErrorTerminal { get; init; }

    /// <summary>Makes the Kamus client for a connection; tests may replace it.</summary>
    internal Func<KamusConnection, IKamusClient> ClientFactory { get; init; } = CliClientFactory.Create;

    /// <summary>The real process: its environment variables and console.</summary>
    public static CliEnvironment FromProcess() => new()
    {
        IsInputTerminal = !Console.IsInputRedirected,
        IsErrorTerminal = !Console.IsErrorRedirected,
    };
}
