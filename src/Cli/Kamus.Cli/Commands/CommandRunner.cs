using System.CommandLine;
using Kamus.Cli.Json;
using Kamus.Client;

namespace Kamus.Cli.Commands;

/// <summary>
/// Runs a command's action and turns every failure into one line on standard error and a documented exit code.
/// The stack trace is shown only with <c>--verbose</c>.
/// </summary>
internal sealed class CommandRunner(CliConsole console, Option<bool> verbose)
{
    public CliConsole Console { get; } = console;

    public void SetAction(Command command, Func<ParseResult, CancellationToken, Task<int>> action) =>
        command.SetAction((parseResult, cancellationToken) => RunAsync(parseResult, action, cancellationToken));

    private async Task<int> RunAsync(ParseResult parseResult, Func<ParseResult, CancellationToken, Task<int>> action, CancellationToken cancellationToken)
    {
        try
        {
            return await action(parseResult, cancellationToken);
        }
        catch (Exception e) when (e is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            Console.Error("cancelled.");
            return ExitCodes.Cancelled;
        }
        catch (Exception e)
        {
            var (code, message) = Describe(e);
            Console.Error(message);
            if (parseResult.GetValue(verbose))
            {
                Console.ErrorStream.WriteLine(e.ToString());
            }

            return code;
        }
    }

    internal static (int ExitCode, string Message) Describe(Exception exception) => exception switch
    {
        CliException e => (e.ExitCode, e.Message),
        KamusException e => (ExitCodeOf(e.Kind), $"{e.Message.TrimEnd('.')} ({e.Kind}{(e.Status is { } s ? $", HTTP {(int)s}" : string.Empty)})."),
        JsonSyntaxException e => (ExitCodes.Input, e.Message),
        _ => (ExitCodes.InternalError, $"unexpected {exception.GetType().Name}; run again with --verbose for details."),
    };

    internal static int ExitCodeOf(KamusErrorKind kind) => kind switch
    {
        KamusErrorKind.Unavailable or KamusErrorKind.Timeout or KamusErrorKind.Protocol or KamusErrorKind.CertificatePinMismatch => ExitCodes.Unreachable,
        KamusErrorKind.Configuration => ExitCodes.Usage,
        KamusErrorKind.InvalidPublicKeyStatement => ExitCodes.Input,
        _ => ExitCodes.ServerRefused,
    };
}
