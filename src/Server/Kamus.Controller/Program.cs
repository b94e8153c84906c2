using Kamus.Controller;
using Kamus.KeyManagement;

try
{
    await KamusControllerApplication.Build(args).RunAsync();
}
catch (KamusSettingsException e)
{
    // A configuration problem gets a clear line, not a stack trace.
    await Console.Error.WriteLineAsync("Kamus controller cannot start: " + e.Message);
    Environment.ExitCode = 1;
}
