using Kamus.Client;
using Kamus.Configuration.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Kamus.Configuration.Tests.Unit;

public sealed class FailureTests
{
    private const string Plaintext = "orders-secret-value";

    private static InMemoryKamusClient Decryptor() => new InMemoryKamusClient()
        .Add("ct-good", Plaintext)
        .Refuse("ct-other-sa", KamusErrorKind.Forbidden)
        .Refuse("ct-tampered", KamusErrorKind.InvalidCiphertext);

    private static IConfigurationBuilder Builder(Action<KamusConfigurationOptions> configure) => new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Good"] = "kamus:ct-good",
            ["ConnectionStrings:Orders"] = "kamus:ct-other-sa",
            ["Api:Key"] = "kamus:ct-tampered",
            ["Plain"] = "plain",
        })
        .AddKamus(configure);

    [Fact]
    public void Build_throws_one_exception_listing_every_failed_key_with_its_reason_and_no_value()
    {
        var error = Assert.Throws<KamusConfigurationException>(() => Builder(o => o.Client = Decryptor()).Build());

        Assert.Contains("ConnectionStrings:Orders: Forbidden (not decryptable by this service account; re-encrypt it for this pod's namespace and service account (kamus encrypt -n <namespace> -a <service-account>))", error.Message, StringComparison.Ordinal);
        Assert.Contains("Api:Key: InvalidCiphertext", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Good", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Plaintext, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("ct-", error.Message, StringComparison.Ordinal);
        Assert.Equal(["Api:Key", "ConnectionStrings:Orders"], error.Failures.Select(f => f.Key).Order(StringComparer.Ordinal));
        Assert.All(error.Failures, f => Assert.Matches("^[0-9a-f]{8}$", f.Fingerprint));
    }

    [Fact]
    public void Optional_leaves_failed_keys_out_and_keeps_the_rest()
    {
        var configuration = Builder(o =>
        {
            o.Client = Decryptor();
            o.Optional = true;
        }).Build();

        Assert.Equal(Plaintext, configuration["Good"]);
        Assert.Null(configuration["ConnectionStrings:Orders"]);
        Assert.Null(configuration["Api:Key"]);
        Assert.Equal("plain", configuration["Plain"]);
        var provider = ((IConfigurationRoot)configuration).Providers.OfType<KamusConfigurationProvider>().Single();
        Assert.Equal(2, provider.Failures.Count);
    }

    [Fact]
    public void Optional_can_come_from_the_Kamus_section()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Kamus:Optional"] = "true", ["A"] = "kamus:ct-other-sa" })
            .AddKamus(o => o.Client = Decryptor())
            .Build();

        Assert.Null(configuration["A"]);
    }

    [Fact]
    public void OnLoadException_sees_the_failure_and_can_ignore_it()
    {
        KamusLoadExceptionContext? seen = null;
        var configuration = Builder(o =>
        {
            o.Client = Decryptor();
            o.OnLoadException = context =>
            {
                seen = context;
                context.Ignore = true;
            };
        }).Build();

        Assert.NotNull(seen);
        Assert.False(seen.Reload);
        Assert.Equal(2, seen.Exception.Failures.Count);
        Assert.Same(((IConfigurationRoot)configuration).Providers.OfType<KamusConfigurationProvider>().Single(), seen.Provider);
        Assert.Equal(Plaintext, configuration["Good"]);
        Assert.Null(configuration["Api:Key"]);
    }

    [Fact]
    public void OnLoadException_that_does_not_ignore_lets_Build_throw()
    {
        var called = 0;
        Assert.Throws<KamusConfigurationException>(() => Builder(o =>
        {
            o.Client = Decryptor();
            o.OnLoadException = _ => called++;
        }).Build());
        Assert.Equal(1, called);
    }

    [Fact]
    public void A_client_that_cannot_be_used_at_all_fails_every_key_with_one_reason()
    {
        // No URL anywhere: the real client refuses to be created (Configuration), and every key says so.
        var builder = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["A"] = "kamus:x", ["B"] = "kamus:y" })
            .AddKamus(o => o.ConfigureClient = c => c.Url = null);

        var error = Assert.Throws<KamusConfigurationException>(() => builder.Build());
        Assert.Equal(2, error.Failures.Count);
        Assert.All(error.Failures, f => Assert.Equal(KamusErrorKind.Configuration, f.Kind));
    }

    [Fact]
    public void Logs_and_ToString_name_keys_never_values()
    {
        using var logs = new FakeLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        var configuration = Builder(o =>
        {
            o.Client = Decryptor();
            o.Optional = true;
            o.LoggerFactory = factory;
        }).Build();

        var text = string.Join("\n", logs.Collector.GetSnapshot().Select(r => r.Message + " " + r.Exception));
        Assert.Contains("Good", text, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings:Orders", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Plaintext, text, StringComparison.Ordinal);
        Assert.DoesNotContain("ct-", text, StringComparison.Ordinal);

        var provider = ((IConfigurationRoot)configuration).Providers.OfType<KamusConfigurationProvider>().Single();
        Assert.DoesNotContain(Plaintext, provider.ToString(), StringComparison.Ordinal);
    }
}
