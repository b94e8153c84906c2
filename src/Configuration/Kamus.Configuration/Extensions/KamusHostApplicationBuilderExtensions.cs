using Kamus.Client;
using Kamus.Configuration;
using Kamus.Configuration.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

// Extension methods live in the namespace of the type they extend, as Microsoft.Extensions' own do.
#pragma warning disable IDE0130
namespace Microsoft.Extensions.Hosting;
#pragma warning restore IDE0130

/// <summary>Adds Kamus to an <see cref="IHostApplicationBuilder"/> (<c>WebApplication.CreateBuilder()</c>, <c>Host.CreateApplicationBuilder()</c>).</summary>
public static class KamusHostApplicationBuilderExtensions
{
    /// <summary>
    /// Calls <c>builder.Configuration.AddKamus(configure)</c> and registers an <see cref="IKamusClient"/> singleton
    /// with the same settings (or <see cref="KamusConfigurationOptions.Client"/> when set), for code that encrypts or
    /// decrypts at run time.
    /// </summary>
    /// <remarks>
    /// When the host starts, a configuration value that still carries the marker (it came from a source added after
    /// this call) fails the start with a <see cref="KamusConfigurationException"/> naming the key, or is logged as a
    /// warning when the settings are <c>Optional</c>. Where each error surfaces with <c>WebApplication.CreateBuilder</c>:
    /// decryption failures from this call itself (a <c>ConfigurationManager</c> loads a source when it is added), the
    /// late-source check from <c>app.Run()</c> (or <c>app.StartAsync()</c>).
    /// </remarks>
    /// <returns>The builder.</returns>
    public static TBuilder AddKamus<TBuilder>(this TBuilder builder, Action<KamusConfigurationOptions>? configure = null)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new KamusConfigurationOptions();
        configure?.Invoke(options);
        builder.Configuration.AddKamus(options);

        // First of the hosted services: a value still encrypted in the final configuration fails the start (or warns).
        builder.Services.Insert(0, ServiceDescriptor.Singleton<IHostedService>(services => new FinalConfigurationCheck(
            services.GetRequiredService<IConfiguration>(), options, services.GetRequiredService<ILogger<FinalConfigurationCheck>>())));

        if (options.Client is { } client)
        {
            // The caller owns it: registered as an instance, the container does not dispose it.
            builder.Services.TryAddSingleton(client);
        }
        else
        {
            // The same settings as the configuration provider, read from the final configuration, on IHttpClientFactory.
            // Validated when first resolved, not at start: with no encrypted value there is nothing to need a URL for.
            KamusClientServiceCollectionExtensions.AddKamusClient(builder.Services, configure: null, validateOnStart: false);
            builder.Services.AddOptions<KamusClientOptions>()
                .Configure<IConfiguration>((client, configuration) => KamusSettings.Resolve(options, key => configuration[key]).ApplyTo(client));
        }

        return builder;
    }
}
