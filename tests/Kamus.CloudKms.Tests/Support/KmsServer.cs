using Kamus.Testing;

namespace Kamus.CloudKms.Tests.Support;

/// <summary>The real server configured by environment variables only, with tokens for <c>team-a:app1</c> and <c>team-a:app2</c>.</summary>
internal sealed class KmsServer : IAsyncDisposable
{
    public const string Namespace = "team-a";
    public const string App1 = "app1";
    public const string App2 = "app2";
    public const string TokenApp1 = "token-team-a-app1";
    public const string TokenApp2 = "token-team-a-app2";

    private KmsServer(KamusServerHost host)
    {
        Host = host;
        Api = new RawKamusApi(host.CreateHttpClient());
    }

    public KamusServerHost Host { get; }

    public RawKamusApi Api { get; }

    public static async Task<KmsServer> StartAsync(IReadOnlyDictionary<string, string> environment)
    {
        var host = await KamusServerHost.StartAsync(options => EnvironmentSettings.Apply(options, environment));
        host.StandIn.AddToken(TokenApp1, Namespace, App1);
        host.StandIn.AddToken(TokenApp2, Namespace, App2);
        return new KmsServer(host);
    }

    /// <summary>Encrypts for app1 expecting 503 (the KMS is unavailable), and answers the logs, for their reason.</summary>
    public async Task<string> EncryptUnavailableAsync()
    {
        using var encrypt = await Api.EncryptAsync("x", App1, Namespace);
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, encrypt.StatusCode);
        return AllLogs();
    }

    /// <summary>Every log line and exception the server wrote, for leak checks.</summary>
    public string AllLogs() => string.Join('\n', Host.Logs.GetSnapshot().Select(r => $"{r.Message} {r.Exception}"));

    public ValueTask DisposeAsync() => Host.DisposeAsync();
}
