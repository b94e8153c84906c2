using Kamus.Client;
using Kamus.Client.Tokens;
using Kamus.Testing;
using Kamus.Testing.Metrics;
using Microsoft.Extensions.Configuration;

namespace Kamus.Configuration.Tests.EndToEnd;

/// <summary>
/// Values bound to their configuration keys in one batch (as <c>kamus encrypt-json</c> makes them) share one data key:
/// loading fifty of them costs one remote call and one unwrap on the server, with the fast path on or off.
/// </summary>
public sealed class SharedDataKeyTests : IAsyncLifetime
{
    private const string Token = "orders-api-token";
    private KamusServerHost _server = null!;
    private Dictionary<string, string> _items = null!;
    private IReadOnlyDictionary<string, string> _values = null!;

    public async Task InitializeAsync()
    {
        _server = await KamusServerHost.StartAsync();
        _server.StandIn.AddToken(Token, "shop", "orders-api");
        _items = Enumerable.Range(0, 50).ToDictionary(i => $"Secrets:Value{i}", i => $"value-{i}");
        using var encryptor = new KamusClient(new KamusClientOptions { Url = _server.Url, TokenSource = new StaticTokenSource(Token) });
        _values = await encryptor.EncryptManyAsync("orders-api", "shop", _items, _items.Keys.ToDictionary(key => key, KamusContext.ForConfigurationKey), CancellationToken.None);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Fifty_bound_values_load_with_one_remote_call_and_one_unwrap(bool fastPath)
    {
        Assert.Single(_values.Values.Select(v => Kamus.Wire.Formats.CiphertextParser.Parse(v).WrappedKey).Distinct());
        _server.ResetCounts();
        using var calls = new KeyProviderCalls(_server);

        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(_values.ToDictionary(pair => pair.Key, pair => (string?)("kamus:" + pair.Value)))
            .AddKamus(options =>
            {
                options.Url = _server.Url;
                options.TokenSource = new StaticTokenSource(Token);
                options.ConfigureClient = client => client.EnableEnvelopeFastPath = fastPath;
            })
            .Build();

        Assert.All(_items, item => Assert.Equal(item.Value, configuration[item.Key]));
        Assert.Equal(1, _server.RequestCount("/api/v2/decrypt") + _server.RequestCount("/api/v1/decrypt"));
        Assert.Equal(1, calls.Unwraps);
    }
}
