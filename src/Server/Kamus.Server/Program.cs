using Kamus.KeyManagement;
using Kamus.Server;

if (AdminCommands.TryRun(args, Console.Out, Console.Error) is { } exitCode)
{
    Environment.ExitCode = exitCode;
    return;
}

try
{
    await KamusServerApplication.Build(args).RunAsync();
}
catch (KamusSettingsException e)
{
    // A configuration problem gets a clear line, not a stack trace.
    await Console.Error.WriteLineAsync("Kamus server cannot start: " + e.Message);
    Environment.ExitCode = 1;
}
