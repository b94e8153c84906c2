using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;

namespace Kamus.Configuration.Tests.Support;

public static class Reloads
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>Completes when the configuration next signals a reload (register before causing the change).</summary>
    public static Task Next(IConfiguration configuration)
    {
        var signalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        configuration.GetReloadToken().RegisterChangeCallback(_ => signalled.TrySetResult(), null);
        return signalled.Task;
    }

    /// <summary>Counts every reload signal of <paramref name="configuration"/> until disposed.</summary>
    public static IDisposable Count(IConfiguration configuration, Action onReload) => ChangeToken.OnChange(configuration.GetReloadToken, onReload);
}
