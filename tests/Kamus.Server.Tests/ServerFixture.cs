using Kamus.Testing;

namespace Kamus.Server.Tests;

/// <summary>
/// One server (derived upstream keys, the compat-vector master key) shared by the tests of a class, with tokens for
/// <c>ns-a:sa1</c>, <c>ns-a:sa2</c>, <c>ns-b:sa1</c>, the vectors' identities and the default account.
/// </summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public const string TokenA1 = "token-ns-a-sa1";
    public const string TokenA2 = "token-ns-a-sa2";
    public const string TokenB1 = "token-ns-b-sa1";
    public const string TokenDefault = "token-ns-a-default";
    public const string TokenHuman = "token-alice";

    private KamusServerHost? _host;

    public KamusServerHost Host => _host!;

    public RawKamusApi Api { get; private set; } = null!;

    /// <summary>The token of a vector identity (<c>namespace:serviceAccount</c>).</summary>
    public static string TokenFor(string id) => "token-" + id.Replace(':', '-');

    public async Task InitializeAsync()
    {
        _host = await KamusServerHost.StartAsync();
        var standIn = _host.StandIn;
        standIn.AddToken(TokenA1, "ns-a", "sa1");
        standIn.AddToken(TokenA2, "ns-a", "sa2");
        standIn.AddToken(TokenB1, "ns-b", "sa1");
        standIn.AddToken(TokenDefault, "ns-a", "default");
        standIn.AddUser(TokenHuman, "alice");
        foreach (var id in CompatVectors.All.Select(v => v.Id).Distinct())
        {
            standIn.AddToken(TokenFor(id), id.Split(':')[0], id.Split(':')[1]);
        }

        Api = new RawKamusApi(_host.CreateHttpClient());
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }
}
