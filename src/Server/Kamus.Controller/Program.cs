using Kamus.Controller;
using Kamus.KeyManagement;
using Microsoft.Extensions.Options;

try
{
    await KamusControllerApplication.Build(args).RunAsync();
}
catch (Exception e) when (e is KamusSettingsException or OptionsValidationException)
{
    // A configuration problem gets a clear line, not a stack trace.
    await Console.Error.WriteLineAsync("Kamus controller cannot start: " + e.Message);
    Environment.ExitCode = 1;
}
