using Kamus.Client.Tokens;
using Kamus.Testing;

namespace Kamus.Client.Tests.Client;

/// <summary>
/// The settings that default to the upstream init container's environment variables (KAMUS_URL, TOKEN_FILE_PATH),
/// with the environment set by each test rather than taken from the machine.
/// </summary>
[Collection(EnvironmentScope.Collection)]
public sealed class EnvironmentDefaultsTests
{
    [Fact]
    public void A_missing_url_is_a_configuration_error()
    {
        using var environment = new EnvironmentScope().Set(KamusClientOptions.UrlVariable, null);

        var error = Assert.Throws<KamusException>(() => new KamusClient(new KamusClientOptions { TokenSource = new StaticTokenSource("t") }));

        Assert.Equal(KamusErrorKind.Configuration, error.Kind);
        Assert.Contains("KAMUS_URL", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_url_defaults_to_KAMUS_URL()
    {
        using var environment = new EnvironmentScope().Set(KamusClientOptions.UrlVariable, "https://kamus.example:9443/");

        using var client = new KamusClient(new KamusClientOptions { TokenSource = new StaticTokenSource("t") });

        Assert.Equal(new Uri("https://kamus.example:9443/"), client.Url);
    }

    [Fact]
    public void The_token_file_defaults_to_the_service_account_token()
    {
        using var environment = new EnvironmentScope().Set(KamusClientOptions.TokenFilePathVariable, null);

        using var source = new FileTokenSource();

        Assert.Equal(KamusClientOptions.DefaultTokenFilePath, source.Path);
    }

    [Fact]
    public void The_token_file_defaults_to_TOKEN_FILE_PATH_when_it_is_set()
    {
        using var environment = new EnvironmentScope().Set(KamusClientOptions.TokenFilePathVariable, "/var/run/secrets/kamus/token");

        using var source = new FileTokenSource();

        Assert.Equal("/var/run/secrets/kamus/token", source.Path);
    }
}
