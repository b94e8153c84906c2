using Kamus.KeyManagement;
using Kamus.Server;
using Kamus.Server.Development;

if (AdminCommands.TryRun(args, Console.Out, Console.Error) is { } exitCode)
{
    Environment.ExitCode = exitCode;
    return;
}

try
{
    if (await DevelopmentServerCommand.TryRunAsync(args, Console.Out) is { } devExitCode)
    {
        Environment.ExitCode = devExitCode;
        return;
    }

    await KamusServerApplication.Build(args).RunAsync();
}
catch (KamusSettingsException e)
{
    // A configuration problem gets a clear line, not a stack trace.
    await Console.Error.WriteLineAsync("Kamus server cannot start: " + e.Message);
    Environment.ExitCode = 1;
}
