using Kamus.Client;
using Kamus.Client.Transport;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

// Extension methods live in the namespace of the type they extend, as Microsoft.Extensions' own do.
#pragma warning disable IDE0130
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>Registers <see cref="KamusClient"/> with dependency injection.</summary>
public static class KamusClientServiceCollectionExtensions
{
    /// <summary>The name of the <see cref="HttpClient"/> the client gets from <see cref="IHttpClientFactory"/>.</summary>
    public const string HttpClientName = "Kamus.Client";

    /// <summary>
    /// Registers a singleton <see cref="KamusClient"/> (also as <see cref="IKamusClient"/>) whose HTTP connections come
    /// from <see cref="IHttpClientFactory"/>, with the TLS settings of the options. Options are validated on first use
    /// (and at start-up with <c>ValidateOnStart</c> when a host runs). Logging and <see cref="TimeProvider"/> come from the container.
    /// </summary>
    public static IServiceCollection AddKamusClient(this IServiceCollection services, Action<KamusClientOptions>? configure = null) =>
        AddKamusClient(services, configure, validateOnStart: true);

    /// <summary>
    /// As the public overload; without <paramref name="validateOnStart"/> the options are validated when the client is
    /// first resolved. <c>builder.AddKamus()</c> registers the client that way: an application whose configuration
    /// holds no encrypted value (in Development, say) needs no Kamus URL until it uses the client itself.
    /// </summary>
    internal static IServiceCollection AddKamusClient(IServiceCollection services, Action<KamusClientOptions>? configure, bool validateOnStart)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<KamusClientOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        if (validateOnStart)
        {
            options.ValidateOnStart();
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KamusClientOptions>, KamusClientOptionsValidator>());
        services.TryAddSingleton(sp => new KamusTlsSettings(sp.GetRequiredService<IOptions<KamusClientOptions>>().Value));
        // No factory loggers: at Trace they put every request header, the bearer token included, into the structured
        // state of their records (only the message text is redacted), where structured sinks would write it. The
        // client logs its own calls (endpoint, status, duration) without headers.
        services.AddHttpClient(HttpClientName, http => http.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp => sp.GetRequiredService<KamusTlsSettings>().CreateHandler())
            .RemoveAllLoggers();
        services.TryAddSingleton(sp =>
        {
            var value = sp.GetRequiredService<IOptions<KamusClientOptions>>().Value;
            if (ReferenceEquals(value.TimeProvider, TimeProvider.System) && sp.GetService<TimeProvider>() is { } time)
            {
                value.TimeProvider = time;
            }

            var http = sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName);
            var pin = sp.GetRequiredService<KamusTlsSettings>().Pin;
            return new KamusClient(http, ownsHttp: false, value, pin, value.LoggerFactory ?? sp.GetService<ILoggerFactory>());
        });
        services.TryAddSingleton<IKamusClient>(sp => sp.GetRequiredService<KamusClient>());
        return services;
    }

    private sealed class KamusClientOptionsValidator : IValidateOptions<KamusClientOptions>
    {
        public ValidateOptionsResult Validate(string? name, KamusClientOptions options)
        {
            var errors = options.GetErrors();
            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        }
    }
}
