using Kamus.Client;
using Kamus.Client.Tokens;
using Kamus.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Kamus.Cli.Tests.EndToEnd;

/// <summary>
/// The real Kamus.Server on loopback (with the Kubernetes API stand-in), shared by the end-to-end tests, with tokens for
/// <c>prod:orders-api</c> and <c>prod:billing</c>. It also records the Authorization header of encrypt requests.
/// </summary>
public sealed class CliServerFixture : IAsyncLifetime
{
    public const string Namespace = "prod";
    public const string ServiceAccount = "orders-api";
    public const string OrdersToken = "token-prod-orders-api";
    public const string BillingToken = "token-prod-billing";

    private KamusServerHost? _host;

    public KamusServerHost Host => _host!;

    public Uri Url => Host.Url;

    /// <summary>The Authorization header of the last encrypt request, if any.</summary>
    public string? LastEncryptAuthorization { get; private set; }

    public async Task InitializeAsync()
    {
        _host = await KamusServerHost.StartAsync(options => options.ConfigureBuilder = builder =>
            builder.Services.AddSingleton<IStartupFilter>(new EncryptAuthorizationRecorder(this)));
        _host.StandIn.AddToken(OrdersToken, Namespace, ServiceAccount);
        _host.StandIn.AddToken(BillingToken, Namespace, "billing");
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    /// <summary>A real client decrypting as <c>prod:orders-api</c>.</summary>
    public KamusClient CreateDecryptingClient(string token = OrdersToken) => new(new KamusClientOptions
    {
        Url = Url,
        TokenSource = new StaticTokenSource(token),
    });

    private sealed class EncryptAuthorizationRecorder(CliServerFixture fixture) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (context.Request.Path.StartsWithSegments("/api/v2/encrypt", StringComparison.Ordinal) || context.Request.Path.StartsWithSegments("/api/v1/encrypt", StringComparison.Ordinal))
                {
                    fixture.LastEncryptAuthorization = context.Request.Headers.Authorization.ToString();
                }

                return nextMiddleware(context);
            });
            next(app);
        };
    }
}

[CollectionDefinition(Name)]
public sealed class KamusServerTests : ICollectionFixture<CliServerFixture>
{
    public const string Name = "Kamus server";
}
