using Kamus.Client.Tokens;
using Kamus.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Kamus.Configuration.Tests.EndToEnd;

/// <summary>A value that still looks encrypted once every source is applied never reaches the app silently.</summary>
public sealed class LateSourceTests : IAsyncLifetime
{
    private const string Token = "orders-api-token";
    private KamusServerHost _server = null!;
    private string _secret = null!;

    public async Task InitializeAsync()
    {
        _server = await KamusServerHost.StartAsync();
        _server.StandIn.AddToken(Token, "shop", "orders-api");
        using var encryptor = new Client.KamusClient(new Client.KamusClientOptions { Url = _server.Url, TokenSource = new StaticTokenSource(Token) });
        _secret = await encryptor.EncryptAsync("s3cret", "orders-api", "shop");
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private void Configure(KamusConfigurationOptions options)
    {
        options.Url = _server.Url;
        options.TokenSource = new StaticTokenSource(Token);
    }

    [Theory]
    [InlineData("KAMUS:")]
    [InlineData("  kamus:")]
    [InlineData("\tKamus:")]
    public void An_upper_case_or_indented_marker_is_decrypted(string marker)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Db:Password"] = marker + _secret })
            .AddKamus(Configure)
            .Build();

        Assert.Equal("s3cret", configuration["Db:Password"]);
    }

    [Fact]
    public async Task A_source_added_after_AddKamus_fails_the_host_start_naming_the_key()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.Sources.Clear();
        builder.AddKamus(Configure);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Late:Password"] = "kamus:" + _secret });
        await using var app = builder.Build();

        var error = await Assert.ThrowsAsync<KamusConfigurationException>(() => app.StartAsync());

        Assert.Equal("Late:Password", error.Failures.Single().Key);
        Assert.Contains("added after AddKamus()", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_secret, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_Optional_a_late_source_only_warns_and_the_host_starts()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["urls"] = "http://127.0.0.1:0" });
        builder.AddKamus(o =>
        {
            Configure(o);
            o.Optional = true;
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Late:Password"] = "kamus:" + _secret });
        await using var app = builder.Build();

        await app.StartAsync();
        await app.StopAsync();
    }

    [Fact]
    public void ValidateKamusSecrets_refuses_a_bound_value_that_is_still_a_ciphertext()
    {
        var configuration = new ConfigurationBuilder()
            .AddKamus(Configure)
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Db:Password"] = "kamus:" + _secret })
            .Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddOptions<DbOptions>().BindConfiguration("Db").ValidateKamusSecrets("Db");
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<DbOptions>>().Value);

        Assert.Contains("Db:Password", error.Message, StringComparison.Ordinal);
        Assert.Contains("added after AddKamus()", error.Message, StringComparison.Ordinal);
    }

    public sealed class DbOptions
    {
        public string? Password { get; set; }
    }
}
