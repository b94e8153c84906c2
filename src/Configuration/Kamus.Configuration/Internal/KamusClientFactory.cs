using Kamus.Client;

namespace Kamus.Configuration.Internal;

/// <summary>Creates the <see cref="KamusClient"/> a provider owns, from its effective settings.</summary>
internal static class KamusClientFactory
{
    public static IKamusClient Create(KamusSettings settings)
    {
        var options = new KamusClientOptions();
        settings.ApplyTo(options);
        options.LoggerFactory ??= Diagnostics.StandardErrorLoggerFactory.Instance; // retries are shown while start-up waits
        options.Validate();
        return new KamusClient(options);
    }
}
