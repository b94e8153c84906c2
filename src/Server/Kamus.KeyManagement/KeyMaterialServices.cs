using Kamus.KeyManagement.Ciphertexts;
using Microsoft.Extensions.DependencyInjection;

namespace Kamus.KeyManagement;

/// <summary>Puts loaded <see cref="KeyMaterial"/> into a host, the same way for the server and the controller.</summary>
internal static class KeyMaterialServices
{
    /// <summary>
    /// Registers the keys (a factory registration, so the container disposes them with the host: in-memory keys are
    /// zeroed, HSM sessions closed), their provider, the upstream key, and a <see cref="CiphertextService"/> that writes <paramref name="format"/>.
    /// </summary>
    public static IServiceCollection AddKeyMaterial(this IServiceCollection services, KeyMaterial keys, CiphertextWriteFormat format)
    {
        services.AddSingleton(_ => keys);
        services.AddSingleton(keys.Provider);
        services.AddSingleton(keys.Upstream);
        services.AddSingleton(_ => new CiphertextService(keys.Provider, keys.Upstream, format));
        return services;
    }

    /// <summary>Builds the host with <paramref name="build"/>; if that fails the container never owned the keys, so they are disposed here.</summary>
    public static T BuildOwning<T>(this KeyMaterial keys, Func<T> build)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(build);
        try
        {
            return build();
        }
        catch
        {
            keys.Dispose();
            throw;
        }
    }
}
