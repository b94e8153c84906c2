using Kamus.Client;

namespace Kamus.Cli.Service;

/// <summary>Makes the Kamus client for a connection and disposes of it after use.</summary>
internal static class KamusClientFactory
{
    // Wired to Kamus.Client's KamusClient once that branch is merged.
    public static IKamusClient Create(KamusConnection connection) =>
        throw new KamusException(KamusErrorKind.Configuration, "this build has no Kamus client yet.");

    public static async Task<T> UseAsync<T>(CliConsole console, KamusConnection connection, Func<IKamusClient, Task<T>> call)
    {
        var client = console.Environment.ClientFactory(connection);
        try
        {
            return await call(client);
        }
        finally
        {
            (client as IDisposable)?.Dispose();
        }
    }
}
