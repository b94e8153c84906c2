using Kamus.KeyManagement;
using Kamus.KeyManagement.Cloud;

namespace Kamus.CloudKms.Tests.Cloud;

public sealed class CloudEndpointTests
{
    private const string Setting = "KeyManagement:X:Endpoint";

    [Theory]
    [InlineData("https://kms.eu-west-1.amazonaws.com")]
    [InlineData("https://vpce-1234.kms.eu-west-1.vpce.amazonaws.com/")]
    [InlineData("http://127.0.0.1:4566/")]
    [InlineData("http://127.10.0.1:8080")]
    [InlineData("http://[::1]:9000/")]
    [InlineData("http://localhost:8080")]
    public void Accepts_https_anywhere_and_http_on_loopback(string value) =>
        Assert.Equal(new Uri(value), CloudEndpoint.Parse(value, Setting));

    [Fact]
    public void Unset_means_the_default() => Assert.Null(CloudEndpoint.Parse("  ", Setting));

    [Theory]
    [InlineData("http://10.0.0.5:8080", "plain http to '10.0.0.5', which is not a loopback address")]
    [InlineData("http://kms.internal.example.com", "plain http to 'kms.internal.example.com', which is not a loopback address")]
    [InlineData("http://localhost.example.com", "which is not a loopback address")]
    [InlineData("ftp://127.0.0.1/", "must be an absolute https:// URL")]
    [InlineData("kms.eu-west-1.amazonaws.com", "must be an absolute https:// URL")]
    [InlineData("https://user:p4ssw0rd@kms.example.com", "must not carry credentials")]
    public void Refuses_anything_else_naming_the_setting_and_never_a_password(string value, string reason)
    {
        var error = Assert.Throws<KamusSettingsException>(() => CloudEndpoint.Parse(value, Setting));

        Assert.StartsWith(Setting, error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("p4ssw0rd", error.Message, StringComparison.Ordinal);
    }
}
