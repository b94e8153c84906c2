using Kamus.Client.Tokens;
using Kamus.Testing;
using Microsoft.Extensions.Logging;

namespace Kamus.Client.Tests.Server;

/// <summary>A real Kamus.Server on loopback with tokens for the compat-vector identities registered at its Kubernetes stand-in.</summary>
public sealed class ServerTestContext : IAsyncLifetime
{
    public const string TeamAToken = "token-team-a-api-0123456789";
    public const string ExampleToken = "token-default-example-0123456789";

    public KamusServerHost Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Host = await KamusServerHost.StartAsync();
        Host.StandIn.AddToken(TeamAToken, "team-a", "api");
        Host.StandIn.AddToken(ExampleToken, "default", "kamus-example-sa");
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();

    public static string TokenFor(CompatVectors.Vector vector) => vector.Namespace == "team-a" ? TeamAToken : ExampleToken;

    /// <summary>Fast options for tests: short delays, generous timeouts (the machine is loaded).</summary>
    public static KamusClientOptions Options(Uri url, string token = TeamAToken, ILoggerFactory? loggerFactory = null) => new()
    {
        Url = url,
        TokenSource = new StaticTokenSource(token),
        RetryBaseDelay = TimeSpan.FromMilliseconds(20),
        AttemptTimeout = TimeSpan.FromSeconds(20),
        TotalTimeout = TimeSpan.FromSeconds(60),
        LoggerFactory = loggerFactory,
    };
}
