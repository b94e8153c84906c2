using Kamus.KeyManagement;
using Kamus.KeyManagement.Pkcs11;
using Kamus.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Kamus.Pkcs11.Tests;

/// <summary>The real server with its master keys in the SoftHSM2 token, and tokens for <c>ns-a:sa1</c> and <c>ns-a:sa2</c>.</summary>
internal sealed class HsmServer : IAsyncDisposable
{
    public const string TokenA1 = "token-ns-a-sa1";
    public const string TokenA2 = "token-ns-a-sa2";

    private HsmServer(KamusServerHost host)
    {
        Host = host;
        Api = new RawKamusApi(host.CreateHttpClient());
    }

    public KamusServerHost Host { get; }

    public RawKamusApi Api { get; }

    /// <summary>The server's PKCS#11 provider (its module call counts).</summary>
    public Pkcs11MasterKeyProvider Hsm => Host.Services.GetRequiredService<KeyMaterial>().Hsm!;

    public static async Task<HsmServer> StartAsync(SoftHsmFixture hsm, string currentKey = SoftHsmFixture.FirstKey, Action<KamusServerHostOptions>? configure = null, string token = SoftHsmFixture.Token)
    {
        var host = await KamusServerHost.StartAsync(options =>
        {
            hsm.UsePkcs11(options, currentKey, token);
            configure?.Invoke(options);
        });
        host.StandIn.AddToken(TokenA1, "ns-a", "sa1");
        host.StandIn.AddToken(TokenA2, "ns-a", "sa2");
        return new HsmServer(host);
    }

    public ValueTask DisposeAsync() => Host.DisposeAsync();
}
