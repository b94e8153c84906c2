using Kamus.KeyManagement.Aes;
using Kamus.KeyManagement.Offline;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Kamus.KeyManagement;

/// <summary>
/// The master keys and the optional offline key ring while a host (the server or the controller) starts. Until the
/// host's container owns them, this does: whatever fails between loading and a built host disposes them (zeroes the
/// keys, closes HSM sessions and KMS clients), so a failed start leaves no key material behind.
/// </summary>
internal sealed class LoadedKeys
{
    private LoadedKeys(KeyMaterial keys, OfflineKeyRing? offline)
    {
        Keys = keys;
        Offline = offline;
    }

    /// <summary>The master keys.</summary>
    public KeyMaterial Keys { get; }

    /// <summary>The offline key ring (<c>KeyManagement:Offline</c>), or <see langword="null"/> when none is configured.</summary>
    public OfflineKeyRing? Offline { get; }

    /// <summary>
    /// Reads the keys, runs the host's own <paramref name="check"/> on them, then loads the offline key ring, which needs
    /// the keys (its seed is wrapped by the master key provider).
    /// </summary>
    /// <param name="options">The <c>KeyManagement</c> settings.</param>
    /// <param name="developmentMode">Whether the insecure development key may be used.</param>
    /// <param name="configuration">All settings, for providers that read sections beside <c>KeyManagement</c>.</param>
    /// <param name="check">The host's conditions on the keys; it throws <see cref="KamusSettingsException"/> to refuse them.</param>
    /// <exception cref="KamusSettingsException">No usable key, or a setting is wrong.</exception>
    public static LoadedKeys Load(KeyManagementOptions options, bool developmentMode, IConfiguration configuration, Action<KeyMaterial>? check = null)
    {
        var keys = KeyMaterial.Load(options, developmentMode, configuration);
        try
        {
            check?.Invoke(keys);
            return new LoadedKeys(keys, LoadOfflineKeys(options, keys));
        }
        catch
        {
            keys.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Registers the keys (and the offline key ring) as factory registrations: the container disposes what a factory
    /// made, never an instance it was handed, and disposing is what zeroes them when the host stops.
    /// </summary>
    public void Register(IServiceCollection services)
    {
        services.AddSingleton(_ => Keys);
        if (Offline is { } offline)
        {
            services.AddSingleton(_ => offline);
        }
    }

    /// <summary>Runs <paramref name="build"/> (the host's <c>builder.Build</c>); if it throws, no container owns the keys yet, so they are disposed here.</summary>
    public T Build<T>(Func<T> build)
    {
        try
        {
            return build();
        }
        catch
        {
            Offline?.Dispose();
            Keys.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Hands the keys to the built host: resolving the factory registrations makes the container own (and later
    /// dispose) them, and the providers that log or call over HTTP get the host's loggers and HTTP clients.
    /// </summary>
    public void Attach(IServiceProvider services)
    {
        _ = services.GetRequiredService<KeyMaterial>();
        _ = services.GetService<OfflineKeyRing>();
        Keys.AttachLogging(services.GetRequiredService<ILoggerFactory>());
        Keys.AttachHttpClients(services.GetRequiredService<IHttpClientFactory>());
    }

    // Once, before any request: the in-process providers answer synchronously (no blocking), and a cloud KMS's one round
    // trip here is what lets a wrong seed or signing key stop the host with a clear line instead of failing requests.
    private static OfflineKeyRing? LoadOfflineKeys(KeyManagementOptions options, KeyMaterial keys)
    {
        var developmentKey = keys.UsesDevelopmentKey ? DevelopmentKey.InsecureBytes.ToArray() : null;
        var load = OfflineKeyRing.LoadAsync(options.Offline, keys.Provider, developmentKey);
        return load.IsCompletedSuccessfully ? load.Result : load.AsTask().GetAwaiter().GetResult();
    }
}
