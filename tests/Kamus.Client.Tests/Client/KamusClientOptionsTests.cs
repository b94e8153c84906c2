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

    [Fact]
    public void A_bare_number_of_seconds_bound_as_days_says_to_write_a_time_span()
    {
        // The configuration binder reads "Kamus:TotalTimeout": "30" as 30 days.
        var options = new KamusClientOptions { Url = new Uri("https://kamus.example"), TotalTimeout = TimeSpan.Parse("30", System.Globalization.CultureInfo.InvariantCulture) };

        var error = Assert.Throws<KamusException>(options.Validate);

        Assert.Contains("TotalTimeout is 30 days", error.Message, StringComparison.Ordinal);
        Assert.Contains("write 00:00:30 for 30 seconds", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_ca_bundle_is_shown_with_its_full_path()
    {
        var options = new KamusClientOptions { Url = new Uri("https://kamus.example"), CaBundlePath = "no-such-ca.pem" };

        var error = Assert.Throws<KamusException>(options.Validate);

        Assert.Contains($"CaBundlePath '{Path.GetFullPath("no-such-ca.pem")}' does not exist", error.Message, StringComparison.Ordinal);
    }
}
