using Kamus.Client.Tokens;
using Kamus.Client.Transport;
using Kamus.Testing;
using Microsoft.Extensions.Logging.Testing;

namespace Kamus.Client.Tests.Transport;

public sealed class KamusUrlPolicyTests
{
    [Theory]
    [InlineData("https://kamus.example/")]
    [InlineData("http://127.0.0.1:8080/")]
    [InlineData("http://127.1.2.3/")]
    [InlineData("http://localhost:5000/")]
    [InlineData("http://[::1]:5000/")]
    public void Accepts_https_and_loopback_http(string url) => Assert.Null(KamusUrlPolicy.Check(new Uri(url), allowInsecureHttp: false));

    [Theory]
    [InlineData("http://kamus.example/")]
    [InlineData("http://10.0.0.7:8080/")]
    [InlineData("ftp://kamus.example/")]
    [InlineData("https://user:pw@kamus.example/")]
    public void Refuses_insecure_or_odd_urls(string url) => Assert.NotNull(KamusUrlPolicy.Check(new Uri(url), allowInsecureHttp: false));

    [Fact]
    public void Http_to_a_non_loopback_host_is_refused_without_the_opt_in()
    {
        var error = Assert.Throws<KamusException>(() => new KamusClient(new KamusClientOptions { Url = new Uri("http://kamus.example/"), TokenSource = new StaticTokenSource("t") }));

        Assert.Equal(KamusErrorKind.Configuration, error.Kind);
        Assert.Contains("AllowInsecureHttp", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_opt_in_allows_it_with_a_warning()
    {
        var logs = new FakeLogCollector();
        using var factory = logs.CreateLoggerFactory();
        using var client = new KamusClient(new KamusClientOptions { Url = new Uri("http://kamus.example/"), AllowInsecureHttp = true, TokenSource = new StaticTokenSource("t"), LoggerFactory = factory });

        Assert.Contains(logs.Lines(), l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains("plain HTTP", StringComparison.Ordinal));
    }

    [Fact]
    public void The_base_path_is_kept()
    {
        Assert.Equal("https://k.example/kamus/", KamusUrlPolicy.NormalizeBase(new Uri("https://k.example/kamus")).ToString());
        Assert.Equal("https://k.example/", KamusUrlPolicy.NormalizeBase(new Uri("https://k.example")).ToString());
    }
}
