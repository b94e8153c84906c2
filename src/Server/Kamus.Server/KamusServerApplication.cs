using Kamus.KeyManagement.Ciphertexts;
using Kamus.KeyManagement;
using Kamus.Server.Audit;
using Kamus.Server.Authentication;
using Kamus.Server.Configuration;
using Kamus.Server.Diagnostics;
using Kamus.Server.Endpoints;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Kamus.Server;

/// <summary>Builds the Kamus server, for <c>Program.cs</c> and for in-process hosting by tests, the sample and benchmarks.</summary>
internal partial class KamusServerApplication
{
    /// <summary>
    /// Builds the server from <paramref name="args"/> and the usual ASP.NET Core configuration sources.
    /// <paramref name="configure"/> runs before the settings are read, so it can add configuration or replace services
    /// (for example <see cref="TimeProvider"/>).
    /// </summary>
    /// <exception cref="KamusSettingsException">The configuration is unusable (for example no master key outside development mode).</exception>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);

        var configuration = builder.Configuration;
        var kamus = configuration.GetSection(KamusServerOptions.SectionName).Get<KamusServerOptions>() ?? new KamusServerOptions();
        var keyOptions = configuration.GetSection(KeyManagementOptions.SectionName).Get<KeyManagementOptions>() ?? new KeyManagementOptions();
        Validate(kamus);

        var keys = KeyMaterial.Load(keyOptions, kamus.Development.Enabled);
        if (kamus.Encryption.Format == CiphertextWriteFormat.Upstream && !keys.Upstream.IsConfigured)
        {
            keys.Dispose();
            throw new KamusSettingsException("Kamus:Encryption:Format=Upstream needs KeyManagement:AES:Key (the upstream formats carry no key id).");
        }

        var services = builder.Services;
        services.Configure<KamusServerOptions>(configuration.GetSection(KamusServerOptions.SectionName));
        services.Configure<KubernetesOptions>(configuration.GetSection(KubernetesOptions.SectionName));
        services.TryAddSingleton(TimeProvider.System);
        // A factory registration so the container disposes the keys (zeroes them, closes HSM sessions) with the app.
        services.AddSingleton(_ => keys);
        services.AddSingleton(keys.Provider);
        services.AddSingleton(keys.Upstream);
        if (kamus.Development.Enabled)
        {
            services.AddSingleton<ITokenReviewer>(DevelopmentTokenReviewer.FromFile(kamus.Development.TokensFile));
        }
        else
        {
            services.TryAddSingleton<ITokenReviewer, KubernetesTokenReviewer>();
        }

        services.AddSingleton<ReviewCache>();
        services.AddSingleton<CallerAuthenticator>();
        services.AddSingleton(sp => new CiphertextService(keys.Provider, keys.Upstream, kamus.Encryption.Format));
        services.AddSingleton<AuditLog>();
        services.AddSingleton<KamusServerTelemetry>();
        services.AddSingleton<EncryptEndpoints>();
        services.AddSingleton<DecryptEndpoints>();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // The API's own limit is checked while reading (clean 413s); Kestrel's is the hard stop beyond the drain allowance.
            kestrel.Limits.MaxRequestBodySize = HttpAnswers.DrainLimit(kamus.Limits);
        });

        WebApplication app;
        try
        {
            app = builder.Build();
        }
        catch
        {
            keys.Dispose();
            throw;
        }

        _ = app.Services.GetRequiredService<KeyMaterial>();
        LogStartup(app, kamus, keys);
        app.UseMiddleware<ErrorShieldMiddleware>();
        var encrypt = app.Services.GetRequiredService<EncryptEndpoints>();
        var decrypt = app.Services.GetRequiredService<DecryptEndpoints>();
        app.MapPost(EncryptEndpoints.V1Path, encrypt.EncryptAsync);
        app.MapPost(EncryptEndpoints.V2Path, encrypt.EncryptManyAsync);
        app.MapPost(DecryptEndpoints.V1Path, decrypt.DecryptAsync);
        app.MapPost(DecryptEndpoints.V2Path, decrypt.DecryptManyAsync);
        HealthEndpoints.Map(app);
        return app;
    }

    private static void Validate(KamusServerOptions options)
    {
        if (options.Limits.MaxRequestBodyBytes <= 0)
        {
            throw new KamusSettingsException("Kamus:Limits:MaxRequestBodyBytes must be positive.");
        }

        if (options.Limits.MaxBatchItems <= 0)
        {
            throw new KamusSettingsException("Kamus:Limits:MaxBatchItems must be positive.");
        }

        if (options.ReviewCache.MaxEntries < 0 || options.ReviewCache.Ttl < TimeSpan.Zero)
        {
            throw new KamusSettingsException("Kamus:ReviewCache:MaxEntries and Kamus:ReviewCache:Ttl must not be negative.");
        }

        if (!Enum.IsDefined(options.Encryption.Format))
        {
            throw new KamusSettingsException("Kamus:Encryption:Format must be V2 or Upstream.");
        }
    }

    private static void LogStartup(WebApplication app, KamusServerOptions kamus, KeyMaterial keys)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Kamus.Server");
        if (kamus.Development.Enabled)
        {
            var reviewer = (DevelopmentTokenReviewer)app.Services.GetRequiredService<ITokenReviewer>();
            KamusServerLog.DevelopmentMode(logger, reviewer.Count);
        }

        if (keys.UsesDevelopmentKey)
        {
            KamusServerLog.DevelopmentKey(logger);
        }

        if (logger.IsEnabled(LogLevel.Information) && keys.Hsm is { } hsm)
        {
            var hsmKeyIds = string.Join(",", hsm.KeyIds);
            var legacyKeyIds = string.Join(",", keys.Ring?.KeyIds ?? []);
            KamusServerLog.Hsm(logger, hsm.TokenLabel, hsmKeyIds, legacyKeyIds);
        }

        if (keys.Upstream.IsConfigured && !keys.Upstream.UseKeyDerivation)
        {
            KamusServerLog.SharedUpstreamKey(logger);
        }

        var kubernetes = app.Services.GetRequiredService<IOptions<KubernetesOptions>>().Value;
        if (logger.IsEnabled(LogLevel.Information))
        {
            var keyIds = string.Join(",", keys.KeyIds);
            var format = kamus.Encryption.Format.ToString();
            var reviewer = kamus.Development.Enabled ? "development token map" : kubernetes.ProxyUrl?.ToString() ?? "in-cluster";
            KamusServerLog.Keys(logger, keyIds, keys.Provider.CurrentKeyId, format, reviewer, kamus.Audience ?? "(none)");
        }
    }
}
