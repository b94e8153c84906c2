using Kamus.Server.Audit;
using Kamus.Server.Authentication;
using Kamus.Server.Configuration;
using Kamus.KeyManagement.Ciphertexts;
using Kamus.Server.Endpoints;
using Kamus.Server.Metrics;
using Kamus.KeyManagement;
using Kamus.KeyManagement.Aes;
using Kamus.KeyManagement.Offline;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Kamus.Server.Diagnostics;

namespace Kamus.Server;

/// <summary>Builds the Kamus server, for <c>Program.cs</c> and for in-process hosting by tests, the sample and benchmarks.</summary>
internal class KamusServerApplication
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
        var metricsOptions = configuration.GetSection(MetricsOptions.SectionName).Get<MetricsOptions>() ?? new MetricsOptions();
        Validate(kamus);
        ValidateMetrics(metricsOptions);

        var loaded = LoadedKeys.Load(keyOptions, kamus.Development.Enabled, configuration, keys =>
        {
            if (kamus.Encryption.Format == CiphertextWriteFormat.Upstream && !keys.Upstream.IsConfigured)
            {
                throw new KamusSettingsException("Kamus:Encryption:Format=Upstream needs KeyManagement:AES:Key (the upstream formats carry no key id).");
            }
        });
        var (keys, offline) = (loaded.Keys, loaded.Offline);
        var services = builder.Services;
        KestrelLogGuard.Register(services);
        services.Configure<KamusServerOptions>(configuration.GetSection(KamusServerOptions.SectionName));
        services.Configure<KubernetesOptions>(configuration.GetSection(KubernetesOptions.SectionName));
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient();
        loaded.Register(services);
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
        var providerKind = MeteredMasterKeyProvider.KindOf(keyOptions.Provider);
        services.AddSingleton(sp => new CiphertextService(
            new MeteredMasterKeyProvider(keys.Provider, providerKind, sp.GetRequiredService<KamusServerTelemetry>()),
            keys.Upstream, kamus.Encryption.Format, keys.Cloud, sp.GetService<OfflineKeyRing>()));
        services.AddSingleton(sp => new CiphertextRewrapper(sp.GetRequiredService<CiphertextService>()));
        services.AddSingleton<AuthenticatedRequests>();
        services.AddSingleton<RewrapEndpoints>();
        services.AddSingleton(sp => new PublicKeyEndpoints(sp.GetService<OfflineKeyRing>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<AuditLog>()));
        services.AddSingleton<AuditLog>();
        services.AddSingleton<KamusServerTelemetry>();
        services.AddSingleton<HealthChecks>();
        services.AddSingleton<EncryptEndpoints>();
        services.AddSingleton<DecryptEndpoints>();
        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(ClientRateLimiter.EncryptPolicy, context => ClientRateLimiter.PartitionFor(context, kamus.RateLimits.EncryptRequestsPerMinute));
            limiter.OnRejected = (rejected, cancellationToken) => new ValueTask(ClientRateLimiter.RejectAsync(rejected.HttpContext, rejected.Lease, cancellationToken));
        });
        MetricsEndpoint.AddServices(builder, metricsOptions);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // The API's own limit is checked while reading (clean 413s); Kestrel's is the hard stop beyond the drain allowance.
            kestrel.Limits.MaxRequestBodySize = HttpAnswers.DrainLimit(kamus.Limits);
        });

        var app = loaded.Build(builder.Build);
        loaded.Attach(app.Services);
        LogStartup(app, kamus, keys, offline);
        WarnOfPublishedKeys(app, keyOptions);
        MetricsEndpoint.Use(app, metricsOptions);
        app.UseMiddleware<RequestMetricsMiddleware>();
        app.UseMiddleware<ErrorShieldMiddleware>();
        app.UseRouting();
        app.UseRateLimiter();
        var encrypt = app.Services.GetRequiredService<EncryptEndpoints>();
        var decrypt = app.Services.GetRequiredService<DecryptEndpoints>();
        app.MapPost(EncryptEndpoints.V1Path, encrypt.EncryptAsync).RequireRateLimiting(ClientRateLimiter.EncryptPolicy);
        app.MapPost(EncryptEndpoints.V2Path, encrypt.EncryptManyAsync).RequireRateLimiting(ClientRateLimiter.EncryptPolicy);
        app.MapPost(DecryptEndpoints.V1Path, decrypt.DecryptAsync);
        app.MapPost(DecryptEndpoints.V2Path, decrypt.DecryptManyAsync);
        app.MapPost(RewrapEndpoints.Path, app.Services.GetRequiredService<RewrapEndpoints>().RewrapAsync);
        app.MapGet(PublicKeyEndpoints.Route, app.Services.GetRequiredService<PublicKeyEndpoints>().GetAsync);
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

        if (options.ReviewCache.MaxEntries < 0 || options.ReviewCache.Ttl < TimeSpan.Zero || options.ReviewCache.RefusedTtl < TimeSpan.Zero)
        {
            throw new KamusSettingsException("Kamus:ReviewCache:MaxEntries, Kamus:ReviewCache:Ttl and Kamus:ReviewCache:RefusedTtl must not be negative.");
        }

        if (options.Tokens.MaxLength <= 0)
        {
            throw new KamusSettingsException("Kamus:Tokens:MaxLength must be positive.");
        }

        if (options.RateLimits.TokenReviewsPerMinute < 0 || options.RateLimits.EncryptRequestsPerMinute < 0)
        {
            throw new KamusSettingsException("Kamus:RateLimits:TokenReviewsPerMinute and Kamus:RateLimits:EncryptRequestsPerMinute must not be negative (0 turns a limit off).");
        }

        if (!Enum.IsDefined(options.Encryption.Format))
        {
            throw new KamusSettingsException("Kamus:Encryption:Format must be V2 or Upstream.");
        }
    }

    private static void ValidateMetrics(MetricsOptions options)
    {
        if (options.Port is < 1 or > 65535)
        {
            throw new KamusSettingsException("Kamus:Metrics:Port must be a TCP port (1-65535), or unset to serve /metrics on the API's --urls.");
        }
    }

    private static void LogStartup(WebApplication app, KamusServerOptions kamus, KeyMaterial keys, OfflineKeyRing? offline)
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

        foreach (var warning in keys.Hsm?.Warnings ?? [])
        {
            KamusServerLog.HsmKeyWarning(logger, warning);
        }

        if (logger.IsEnabled(LogLevel.Information) && keys.Cloud is { } cloud)
        {
            var legacyKeyIds = string.Join(",", keys.Ring?.KeyIds ?? []);
            KamusServerLog.Cloud(logger, cloud.Description, cloud.CurrentKeyId, legacyKeyIds);
        }

        if (keys.Upstream.IsConfigured && !keys.Upstream.UseKeyDerivation)
        {
            KamusServerLog.SharedUpstreamKey(logger);
        }

        if (offline is not null)
        {
            if (offline.IsInsecureDevelopmentRing)
            {
                KamusServerLog.DevelopmentOfflineKeys(logger);
            }

            KamusServerLog.OfflineKeys(logger, offline.CurrentEpoch, offline.SignerFingerprint);
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

    // Upstream's Helm chart shipped a default key; values files made with it still carry it (deploy/helm/kamus warns too).
    private static void WarnOfPublishedKeys(WebApplication app, KeyManagementOptions keyOptions)
    {
        var published = PublishedUpstreamKey.FindIn(keyOptions);
        if (published.Count > 0)
        {
            KamusServerLog.PublishedKey(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Kamus.Server"), string.Join(", ", published));
        }
    }
}
