namespace Kamus.Cli;

/// <summary>
/// A failure the tool reports as one line on standard error with <see cref="ExitCode"/>. The message names files, keys,
/// options and reasons, never a secret value.
/// </summary>
internal sealed class CliException(int exitCode, string message, Exception? innerException = null) : Exception(message, innerException)
{
    public int ExitCode { get; } = exitCode;

    public static CliException Usage(string message) => new(ExitCodes.Usage, message);

    public static CliException Input(string message, Exception? inner = null) => new(ExitCodes.Input, message, inner);
}
