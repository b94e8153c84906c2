using Kamus.Client;
using Kamus.Client.Tokens;
using Kamus.Configuration.Testing;
using Kamus.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Kamus.Configuration.Tests.Unit;

/// <summary>What a user meets first when something is wrong, and that each message says what to do.</summary>
public sealed class ActionableErrorTests
{
    [Fact]
    public void A_total_timeout_written_as_a_bare_number_says_to_write_a_time_span()
    {
        var builder = Encrypted(new() { ["Kamus:TotalTimeout"] = "30" }).AddKamus(o => o.Client = new InMemoryKamusClient().Add("ct-db", "p"));

        var error = Assert.Throws<FormatException>(() => builder.Build());

        Assert.Equal("The Kamus setting 'Kamus:TotalTimeout' is '30', which .NET reads as 30 days; write a time span: 00:00:30 for 30 seconds (hh:mm:ss).", error.Message);
    }

    [Fact]
    public void The_ca_bundle_comes_from_configuration_and_a_missing_one_is_named_with_its_full_path()
    {
        var builder = Encrypted(new()
        {
            ["Kamus:Url"] = "https://kamus.example",
            ["Kamus:CaBundlePath"] = "certs/no-such-ca.pem",
        }).AddKamus(o =>
        {
            o.TokenSource = new StaticTokenSource("t");
            o.ReadConnectionFromConfiguration = true;
            o.GetEnvironmentVariable = _ => null;
        });

        var error = Assert.Throws<KamusConfigurationException>(() => builder.Build());

        Assert.Equal(KamusErrorKind.Configuration, Assert.Single(error.Failures).Kind);
        Assert.Contains($"CaBundlePath '{Path.GetFullPath("certs/no-such-ca.pem")}' does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unreachable_server_is_named_with_the_cause_and_each_retry_is_logged_while_startup_waits()
    {
        var port = LoopbackPort.Unused();
        using var logs = new FakeLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs));
        var builder = Encrypted([]).AddKamus(o =>
        {
            o.Url = new Uri($"http://127.0.0.1:{port}");
            o.TokenSource = new StaticTokenSource("t");
            o.LoggerFactory = factory;
            o.ConfigureClient = c =>
            {
                c.MaxRetryAttempts = 2;
                c.RetryBaseDelay = TimeSpan.FromMilliseconds(10);
            };
        });

        var error = Assert.Throws<KamusConfigurationException>(() => builder.Build());

        Assert.Equal(KamusErrorKind.Unavailable, Assert.Single(error.Failures).Kind);
        var firstLine = error.Message.Split('\n')[0];
        Assert.Contains($"Cannot reach the Kamus server at http://127.0.0.1:{port}/api/v2/decrypt: connection refused by 127.0.0.1:{port}", firstLine, StringComparison.Ordinal);
        Assert.DoesNotContain("Decrypting ", firstLine, StringComparison.Ordinal); // the call's own failure, not an item's copy of it
        var retries = logs.Collector.GetSnapshot().Where(r => r.Level == LogLevel.Warning && r.Message.Contains("connection refused", StringComparison.Ordinal)).ToList();
        Assert.Equal(["Retry 1 of 2", "Retry 2 of 2"], retries.Select(r => r.Message[r.Message.IndexOf("Retry", StringComparison.Ordinal)..][..12]));
    }

    [Fact]
    public void A_forbidden_value_says_how_to_encrypt_it_again()
    {
        var builder = Encrypted(new()).AddKamus(o => o.Client = new InMemoryKamusClient().Refuse("ct-db", KamusErrorKind.Forbidden));

        var error = Assert.Throws<KamusConfigurationException>(() => builder.Build());

        Assert.Contains("Db:Password: Forbidden (not decryptable by this service account; re-encrypt it for this pod's namespace and service account (kamus encrypt -n <namespace> -a <service-account>))", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_app_without_encrypted_values_starts_without_any_kamus_url()
    {
        // Development with plain values: builder.AddKamus() must not demand a server that nothing needs.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Development" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Db:Password"] = "plain-dev-value" });
        builder.AddKamus(o =>
        {
            o.GetEnvironmentVariable = _ => null;
            o.ConfigureClient = c => c.Url = null;
        });

        using var host = builder.Build();
        await host.StartAsync();

        Assert.Equal("plain-dev-value", host.Services.GetRequiredService<IConfiguration>()["Db:Password"]);
        await host.StopAsync();
    }

    private static ConfigurationBuilder Encrypted(Dictionary<string, string?> settings)
    {
        settings["Db:Password"] = "kamus:ct-db";
        var builder = new ConfigurationBuilder();
        builder.AddInMemoryCollection(settings);
        return builder;
    }
}
