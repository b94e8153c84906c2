using Kamus.Client;
using Kamus.Client.Tokens;
using Kamus.Configuration.Tests.Support;
using Kamus.Testing;
using Microsoft.Extensions.Configuration;

namespace Kamus.Configuration.Tests.EndToEnd;

/// <summary>
/// Key swapping: a value bound to its configuration key (as <c>kamus encrypt-json</c> binds them) is served under that
/// key, in any case, and refused under any other, unsent; a refused one keeps the last good value on reload.
/// </summary>
public sealed class KeySwappingTests : IAsyncLifetime
{
    private const string Token = "orders-api-token";
    private KamusServerHost _server = null!;
    private IReadOnlyDictionary<string, string> _values = null!;

    public async Task InitializeAsync()
    {
        _server = await KamusServerHost.StartAsync();
        _server.StandIn.AddToken(Token, "shop", "orders-api");
        using var encryptor = new KamusClient(new KamusClientOptions { Url = _server.Url, TokenSource = new StaticTokenSource(Token) });
        _values = await encryptor.EncryptManyAsync(
            "orders-api",
            "shop",
            new Dictionary<string, string> { ["Db:Password"] = "db-pw", ["Api:Key"] = "api-key", ["Plain"] = "plain" },
            new Dictionary<string, string> { ["Db:Password"] = KamusContext.ForConfigurationKey("Db:Password"), ["Api:Key"] = KamusContext.ForConfigurationKey("Api:Key") },
            CancellationToken.None);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public void Bound_values_are_served_under_their_own_key_in_any_case_and_unbound_ones_anywhere()
    {
        var configuration = Build(new Dictionary<string, string?>
        {
            ["db:PASSWORD"] = "kamus:" + _values["Db:Password"],
            ["Api:Key"] = "kamus:" + _values["Api:Key"],
            ["Anywhere:At:All"] = "kamus:" + _values["Plain"],
        });

        Assert.Equal("db-pw", configuration["Db:Password"]);
        Assert.Equal("api-key", configuration["Api:Key"]);
        Assert.Equal("plain", configuration["Anywhere:At:All"]);
    }

    [Fact]
    public void A_value_moved_to_another_key_fails_the_load_naming_both_keys_and_is_never_sent()
    {
        _server.ResetCounts();
        var error = Assert.Throws<KamusConfigurationException>(() => Build(new Dictionary<string, string?>
        {
            ["Api:Key"] = "kamus:" + _values["Db:Password"],
        }));

        var failure = Assert.Single(error.Failures);
        Assert.Equal("Api:Key", failure.Key);
        Assert.Equal(KamusErrorKind.InvalidCiphertext, failure.Kind);
        Assert.Contains("bound to config:Db:Password, not to config:Api:Key", failure.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("db-pw", error.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, _server.RequestCount("/api/v2/decrypt") + _server.RequestCount("/api/v1/decrypt"));
    }

    [Fact]
    public void With_Optional_a_moved_value_is_left_out_and_the_warning_says_why()
    {
        var logs = new Microsoft.Extensions.Logging.Testing.FakeLogCollector();
        using var loggers = logs.CreateLoggerFactory();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Api:Key"] = "kamus:" + _values["Db:Password"], ["Plain"] = "p" })
            .AddKamus(o =>
            {
                Configure(o);
                o.Optional = true;
                o.LoggerFactory = loggers;
            })
            .Build();

        Assert.Null(configuration["Api:Key"]);
        Assert.Equal("p", configuration["Plain"]);
        var warning = Assert.Single(logs.GetSnapshot(), r => r.Message.StartsWith("Kamus could not decrypt configuration key Api:Key", StringComparison.Ordinal));
        Assert.Contains("bound to config:Db:Password, not to config:Api:Key", warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("db-pw", logs.AllText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_swap_on_reload_keeps_the_last_good_value()
    {
        var source = new CountingSource(new Dictionary<string, string?> { ["Api:Key"] = "kamus:" + _values["Api:Key"] });
        var configuration = new ConfigurationBuilder().Add(source).AddKamus(Configure).Build();
        Assert.Equal("api-key", configuration["Api:Key"]);
        var next = Reloads.Next(configuration);

        // The swap, and a plain change beside it so that the reload is signalled.
        source.Change(new Dictionary<string, string?> { ["Api:Key"] = "kamus:" + _values["Db:Password"], ["Marker"] = "changed" });
        await next.WaitAsync(Reloads.Patience);

        var kamus = configuration.Providers.OfType<KamusConfigurationProvider>().Single();
        Assert.Equal("changed", configuration["Marker"]);
        Assert.Equal("api-key", configuration["Api:Key"]);
        Assert.Equal("Api:Key", Assert.Single(kamus.Failures).Key);
    }

    private IConfigurationRoot Build(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).AddKamus(Configure).Build();

    private void Configure(KamusConfigurationOptions options)
    {
        options.Url = _server.Url;
        options.TokenSource = new StaticTokenSource(Token);
    }
}
