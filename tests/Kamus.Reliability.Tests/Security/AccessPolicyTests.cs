using Kamus.Cli;
using Kamus.Client;
using Kamus.Client.Tokens;
using Kamus.Configuration;
using Kamus.Reliability.Tests.Support;
using Kamus.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Kamus.Reliability.Tests.Security;

/// <summary>Audiences, the shared upstream key warning, insecure URLs and certificate pinning, through the whole system.</summary>
public sealed class AccessPolicyTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_token_for_another_audience_is_refused_and_one_for_the_configured_audience_works()
    {
        await using var system = await KamusSystem.StartAsync(o => o.Settings["Kamus:Audience"] = "kamus");
        using (var writer = system.Client("unused"))
        {
            var ciphertext = await writer.EncryptAsync("audience-secret", "app", "aud");
            using var wrong = system.Client(system.TokenFor("aud", "app"), o => o.MaxRetryAttempts = 0);
            using var right = system.Client(system.TokenFor("aud", "app", ["kamus"]), o => o.MaxRetryAttempts = 0);

            var error = await Assert.ThrowsAsync<KamusException>(() => wrong.DecryptAsync(ciphertext));

            Assert.Equal(KamusErrorKind.Unauthorized, error.Kind);
            Assert.Equal("audience-secret", await right.DecryptAsync(ciphertext));
        }

        Assert.All(system.StandIn.RequestedAudiences, a => Assert.Equal(["kamus"], a));
    }

    [Fact]
    public async Task Upstream_non_derived_mode_warns_and_is_indeed_shared_by_every_account()
    {
        await using var system = await KamusSystem.StartAsync(o =>
        {
            o.Settings["KeyManagement:AES:UseKeyDeriviation"] = "false";
            o.Settings["Kamus:Encryption:Format"] = "Upstream";
        });

        Assert.Contains(system.Host.Logs.GetSnapshot(), r => r.Level == LogLevel.Warning && r.Message.Contains("UseKeyDeriviation is false", StringComparison.Ordinal));

        // What the warning is about: an upstream value made for one account opens for another.
        using var writer = system.Client("unused");
        var ciphertext = await writer.EncryptAsync("shared-key-secret", "sa1", "ns-a");
        using var other = system.Client(system.TokenFor("ns-b", "sa9"));
        Assert.Equal("shared-key-secret", await other.DecryptAsync(ciphertext));
    }

    [Fact]
    public async Task Http_to_a_non_loopback_host_is_refused_without_the_opt_in_by_the_client_AddKamus_and_the_cli()
    {
        var remote = new Uri("http://10.255.255.1:8080/");
        var clientError = Assert.Throws<KamusException>(() => new KamusClient(new KamusClientOptions { Url = remote, TokenSource = new StaticTokenSource("t") }));
        Assert.Equal(KamusErrorKind.Configuration, clientError.Kind);

        var builder = new ConfigurationBuilder();
        builder.AddInMemoryCollection(new Dictionary<string, string?> { ["Db:Password"] = "kamus:k2.k0.AAAA" });
        builder.AddKamus(o =>
        {
            o.Url = remote;
            o.TokenSource = new StaticTokenSource("t");
        });
        var configError = Assert.Throws<KamusConfigurationException>(() => builder.Build());
        Assert.Equal(KamusErrorKind.Configuration, Assert.Single(configError.Failures).Kind);
        Assert.Contains("Db:Password", configError.Message, StringComparison.Ordinal);

        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var environment = new CliEnvironment { GetVariable = _ => null };
        var exit = await KamusCli.RunAsync(["encrypt", "-s", "cli-secret", "-a", "app", "-n", "ns", "-u", remote.ToString()], new StringReader(string.Empty), stdout, stderr, environment);
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Empty(stdout.ToString());

        // With the opt-in the client is created (and warns); nothing is sent here.
        using var allowed = new KamusClient(new KamusClientOptions { Url = remote, TokenSource = new StaticTokenSource("t"), AllowInsecureHttp = true });
        Figures.Record(output, "HTTP to a non-loopback host", $"client: {clientError.Message} | AddKamus: {configError.Failures[0]} | CLI exit {exit}: {stderr.ToString().Trim()}");
    }

    [Fact]
    public async Task A_pin_mismatch_fails_closed_before_any_request_and_the_right_pin_works()
    {
        using var certificate = TestCertificates.CreateSelfSignedLoopback();
        await using var system = await KamusSystem.StartAsync(o =>
        {
            o.Settings["urls"] = "https://127.0.0.1:0";
            o.ConfigureBuilder = b => b.WebHost.ConfigureKestrel(k => k.ConfigureHttpsDefaults(h => h.ServerCertificate = certificate));
        });
        var token = system.TokenFor("pin", "app");
        var pin = TestCertificates.Sha256Fingerprint(certificate);
        string ciphertext;
        using (var writer = system.Client(token, o => o.CertificateFingerprint = pin))
        {
            ciphertext = await writer.EncryptAsync("pinned-secret", "app", "pin");
        }

        system.Host.ResetCounts();
        var wrongPin = string.Concat(Enumerable.Repeat("AB", 32));
        var error = Assert.Throws<KamusConfigurationException>(() => Build(system.Url, token, ciphertext, wrongPin));
        Assert.Equal(KamusErrorKind.CertificatePinMismatch, Assert.Single(error.Failures).Kind);
        Assert.Equal(0, system.Host.RequestCount("/api/v2/decrypt"));

        Assert.Equal("pinned-secret", Build(system.Url, token, ciphertext, pin)["Db:Password"]);
        Figures.Record(output, "certificate pin mismatch", $"AddKamus: {error.Failures[0]}; 0 requests reached the server; right pin decrypts");
    }

    private static IConfigurationRoot Build(Uri url, string token, string ciphertext, string pin)
    {
        var builder = new ConfigurationBuilder();
        builder.AddInMemoryCollection(new Dictionary<string, string?> { ["Db:Password"] = "kamus:" + ciphertext });
        builder.AddKamus(o =>
        {
            o.Url = url;
            o.TokenSource = new StaticTokenSource(token);
            o.CertificateFingerprint = pin;
            o.ConfigureClient = c => c.MaxRetryAttempts = 1;
        });
        return builder.Build();
    }
}
