namespace Kamus.Cli;

/// <summary>
/// The tool's streams. Standard output carries only results (a ciphertext, a listing), so <c>ct=$(kamus encrypt ...)</c>
/// works; every message goes to standard error.
/// </summary>
internal sealed class CliConsole(TextReader input, TextWriter output, TextWriter error, CliEnvironment environment)
{
    public TextReader Input { get; } = input;

    public TextWriter Output { get; } = output;

    public TextWriter ErrorStream { get; } = error;

    public CliEnvironment Environment { get; } = environment;

    public void Error(string message) => ErrorStream.WriteLine("kamus: error: " + message);

    public void Warning(string message) => ErrorStream.WriteLine("kamus: warning: " + message);

    public void Info(string message) => ErrorStream.WriteLine(message);
}
