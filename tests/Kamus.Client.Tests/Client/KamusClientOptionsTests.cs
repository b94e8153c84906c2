namespace Kamus.Client.Tests.Client;

public sealed class KamusClientOptionsTests
{
    [Fact]
    public void Defaults_are_valid_with_a_url()
    {
        var options = new KamusClientOptions { Url = new Uri("https://kamus.example") };
        options.Validate();
        Assert.Equal(TimeSpan.FromSeconds(5), options.AttemptTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), options.TotalTimeout);
        Assert.Equal(4, options.MaxRetryAttempts);
        Assert.Equal(8, options.MaxConcurrency);
        Assert.True(options.EnableEnvelopeFastPath);
    }

    [Fact]
    public void Every_invalid_setting_is_named()
    {
        var options = new KamusClientOptions
        {
            Url = new Uri("https://kamus.example"),
            AttemptTimeout = TimeSpan.Zero,
            MaxRetryAttempts = -1,
            MaxConcurrency = 0,
            DataKeyCacheSize = 0,
            CertificateFingerprint = "abc",
            CaBundlePath = "/no/such/bundle.pem",
        };

        var error = Assert.Throws<KamusException>(options.Validate);

        Assert.Equal(KamusErrorKind.Configuration, error.Kind);
        foreach (var name in new[] { "AttemptTimeout", "MaxRetryAttempts", "MaxConcurrency", "DataKeyCacheSize", "CertificateFingerprint", "CaBundlePath" })
        {
            Assert.Contains(name, error.Message, StringComparison.Ordinal);
        }
    }
}
