using Kamus.Server;
using Kamus.Server.Configuration;

try
{
    await KamusServerApplication.Build(args).RunAsync();
}
catch (KamusServerConfigurationException e)
{
    // A configuration problem gets a clear line, not a stack trace.
    await Console.Error.WriteLineAsync("Kamus server cannot start: " + e.Message);
    Environment.ExitCode = 1;
}
