using System.Net;
using Kamus.KeyManagement;
using Kamus.Server.Authentication;
using Kamus.Server.Development;
using Kamus.Testing;

namespace Kamus.Server.Tests;

/// <summary>
/// <c>Kamus.Server --dev</c>: the one command that gives a laptop a server to decrypt an application's <c>kamus:</c>
/// values. Started for real on 127.0.0.1; the token files it writes are used as an application would use them.
/// </summary>
public sealed class DevelopmentServerCommandTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"kamus-dev-test-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public async Task It_prints_the_two_variables_and_the_token_file_decrypts_as_the_named_service_account()
    {
        await using var server = await DevelopmentServerCommand.StartAsync(["shop:orders-api", "shop:billing-api", "--urls", "http://127.0.0.1:0"], _folder);
        using var http = new HttpClient { BaseAddress = new Uri(server.Url + "/") };
        var api = new RawKamusApi(http);

        var text = server.Describe();
        var ordersToken = Path.Combine(_folder, "shop.orders-api.token");
        Assert.Contains($"export KAMUS_URL={server.Url}", text, StringComparison.Ordinal);
        Assert.Contains($"export TOKEN_FILE_PATH={ordersToken}", text, StringComparison.Ordinal);
        Assert.Contains("kamus encrypt -n shop -a orders-api", text, StringComparison.Ordinal);
        Assert.Contains("INSECURE", text, StringComparison.Ordinal);
        Assert.StartsWith("http://127.0.0.1:", server.Url, StringComparison.Ordinal);

        var ciphertext = await api.EncryptOkAsync("dev-value", "orders-api", "shop");
        var token = await File.ReadAllTextAsync(ordersToken);
        var billingToken = await File.ReadAllTextAsync(Path.Combine(_folder, "shop.billing-api.token"));
        Assert.Equal((HttpStatusCode.OK, "dev-value"), await api.DecryptTextAsync(token, ciphertext));
        Assert.Equal(HttpStatusCode.Forbidden, (await api.DecryptTextAsync(billingToken, ciphertext)).Status);
        Assert.DoesNotContain(token, text, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(ordersToken));
        }
    }

    [Fact]
    public async Task A_restart_writes_a_new_token_to_the_same_path()
    {
        string first;
        await using (var server = await DevelopmentServerCommand.StartAsync(["--urls", "http://127.0.0.1:0"], _folder))
        {
            Assert.Equal(Path.Combine(_folder, "dev.my-app.token"), Assert.Single(server.Tokens).Path);
            first = await File.ReadAllTextAsync(server.Tokens[0].Path);
        }

        await using var restarted = await DevelopmentServerCommand.StartAsync(["--urls", "http://127.0.0.1:0"], _folder);

        Assert.NotEqual(first, await File.ReadAllTextAsync(restarted.Tokens[0].Path));
    }

    [Theory]
    [InlineData("orders-api")]
    [InlineData("shop:default")]
    [InlineData("Shop:orders-api")]
    public async Task A_service_account_that_is_not_namespace_colon_name_is_refused_with_an_example(string argument)
    {
        var error = await Assert.ThrowsAsync<KamusSettingsException>(() => DevelopmentServerCommand.StartAsync([argument], _folder));

        Assert.Contains($"'{argument}' is not namespace:service-account (for example shop:orders-api)", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_folder));
    }

    [Fact]
    public void A_relative_tokens_file_that_is_missing_is_named_with_its_full_path()
    {
        var error = Assert.Throws<KamusSettingsException>(() => DevelopmentTokenReviewer.FromFile("no-such-dir/tokens.json"));

        Assert.Contains($"'{Path.GetFullPath("no-such-dir/tokens.json")}'", error.Message, StringComparison.Ordinal);
    }
}
