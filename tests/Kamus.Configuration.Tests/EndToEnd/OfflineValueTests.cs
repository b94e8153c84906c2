using Kamus.Client;
using Kamus.Client.Offline;
using Kamus.Client.Tokens;
using Kamus.Testing;
using Microsoft.Extensions.Configuration;

namespace Kamus.Configuration.Tests.EndToEnd;

/// <summary>
/// Values encrypted offline (with only a key statement) in configuration: <c>AddKamus</c> decrypts them through the real
/// server unchanged, as the bound account, and fails naming the key for any other account.
/// </summary>
public sealed class OfflineValueTests : IAsyncLifetime
{
    private const string OrdersToken = "orders-api-token";
    private const string BillingToken = "billing-api-token";

    private KamusServerHost _server = null!;

    public async Task InitializeAsync()
    {
        _server = await KamusServerHost.StartAsync(o => o.UseOfflineKeys());
        _server.StandIn.AddToken(OrdersToken, "shop", "orders-api");
        _server.StandIn.AddToken(BillingToken, "shop", "billing-api");
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task AddKamus_decrypts_offline_values_for_the_bound_account_and_names_the_keys_for_another()
    {
        using var fetcher = new KamusClient(new KamusClientOptions { Url = _server.Url, TokenSource = new StaticTokenSource("unused") });
        var statement = await fetcher.GetPublicKeyStatementAsync("orders-api", "shop");
        using var encryptor = KamusOfflineEncryptor.Create(statement, "shop", "orders-api", OfflineKeys.SignerFingerprint(_server));
        var values = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Orders"] = "kamus:" + encryptor.Encrypt("Server=db;Password=offline"),
            ["Smtp:Password"] = "kamus:" + encryptor.Encrypt("smtp-offline"),
            ["Plain"] = "not a secret",
        };

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).AddKamus(Reader(OrdersToken)).Build();

        Assert.Equal("Server=db;Password=offline", configuration["ConnectionStrings:Orders"]);
        Assert.Equal("smtp-offline", configuration["Smtp:Password"]);
        Assert.Equal("not a secret", configuration["Plain"]);

        var error = Assert.Throws<KamusConfigurationException>(() => new ConfigurationBuilder().AddInMemoryCollection(values).AddKamus(Reader(BillingToken)).Build());
        Assert.Contains("ConnectionStrings:Orders: Forbidden (not decryptable by this service account", error.Message, StringComparison.Ordinal);
        Assert.Contains("Smtp:Password: Forbidden", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("offline", error.Message, StringComparison.Ordinal);
    }

    private Action<KamusConfigurationOptions> Reader(string token) => options =>
    {
        options.Url = _server.Url;
        options.TokenSource = new StaticTokenSource(token);
    };
}
