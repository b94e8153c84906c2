using Kamus.KeyManagement.Offline;
using Kamus.KeyManagement.Pkcs11;

namespace Kamus.Server;

/// <summary>The server's admin commands (<c>Kamus.Server &lt;command&gt; ...</c>), read with the server's own configuration sources.</summary>
internal static class AdminCommands
{
    /// <summary>Runs the command named by <paramref name="args"/>[0], if it is one; returns the exit code, or null for "not a command".</summary>
    public static int? TryRun(string[] args, TextWriter output, TextWriter error) => args.Length == 0 ? null : args[0] switch
    {
        Pkcs11AdminCommand.GenerateKey => Pkcs11AdminCommand.Run(WebApplication.CreateBuilder(args[1..]).Configuration, output, error),

        // A one-shot process with nothing else running: blocking on the provider's (possibly remote) wrap is harmless.
        OfflineKeysAdminCommand.Name => OfflineKeysAdminCommand.RunAsync(WebApplication.CreateBuilder(args[1..]).Configuration, output, error).GetAwaiter().GetResult(),
        _ => null,
    };
}
