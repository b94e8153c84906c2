using Kamus.Server;
using Kamus.Server.Configuration;
using Kamus.Server.KeyManagement.Pkcs11;

if (args.Length > 0 && args[0] == Pkcs11AdminCommand.GenerateKey)
{
    Environment.ExitCode = Pkcs11AdminCommand.Run(args[1..], Console.Out, Console.Error);
    return;
}

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
