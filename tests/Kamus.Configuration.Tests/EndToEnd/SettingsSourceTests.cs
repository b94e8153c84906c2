using Kamus.Client;
using Kamus.Client.Tokens;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;

namespace Kamus.Configuration.Tests.EndToEnd;

/// <summary>
/// Where the pod's token may be sent is not decided by the files that hold the ciphertexts: a <c>Kamus:Url</c> in
/// appsettings is ignored unless the app opts in, and insecure HTTP never comes from configuration.
/// </summary>
public sealed class SettingsSourceTests : IAsyncLifetime
{
    private WebApplication _attacker = null!;
    private int _requests;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _attacker = builder.Build();
        _attacker.Run(context =>
        {
            Interlocked.Increment(ref _requests);
            context.Response.StatusCode = StatusCodes.Status200OK;
            return context.Response.WriteAsync("""{"items":[{"plaintext":"attacker-chosen"}]}""");
        });
        await _attacker.StartAsync();
    }

    public async Task DisposeAsync() => await _attacker.DisposeAsync();

    private Uri AttackerUrl => new(_attacker.Urls.First());

    [Fact]
    public void A_Kamus_Url_in_a_configuration_file_does_not_receive_the_token_by_default()
    {
        var build = () => new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Kamus:Url"] = AttackerUrl.ToString(), ["Db:Password"] = "kamus:k2.x.y.z" })
            .AddKamus(o =>
            {
                o.TokenSource = new StaticTokenSource("the-pods-token");
                o.GetEnvironmentVariable = _ => null; // this test's own environment, whatever the machine's
            })
            .Build();

        var error = Assert.Throws<KamusConfigurationException>(build);
        Assert.Equal(KamusErrorKind.Configuration, error.Failures.Single().Kind);
        Assert.Equal(0, Volatile.Read(ref _requests));
    }

    [Fact]
    public void With_the_opt_in_the_section_is_read_but_insecure_http_never_comes_from_a_file()
    {
        var error = Assert.Throws<KamusConfigurationException>(() => new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Kamus:Url"] = "http://kamus.example.com/",
                ["Kamus:AllowInsecureHttp"] = "true",
                ["Db:Password"] = "kamus:k2.x.y.z",
            })
            .AddKamus(o =>
            {
                o.TokenSource = new StaticTokenSource("the-pods-token");
                o.ReadConnectionFromConfiguration = true;
                o.GetEnvironmentVariable = _ => null;
            })
            .Build());

        Assert.Contains("plain HTTP", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void With_the_opt_in_a_Kamus_Url_in_configuration_is_used()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Kamus:Url"] = AttackerUrl.ToString(), ["Db:Password"] = "kamus:k2.x.y.z" })
            .AddKamus(o =>
            {
                o.TokenSource = new StaticTokenSource("the-pods-token");
                o.ReadConnectionFromConfiguration = true;
            })
            .Build();

        Assert.Equal("attacker-chosen", configuration["Db:Password"]);
        Assert.True(Volatile.Read(ref _requests) > 0);
    }
}
