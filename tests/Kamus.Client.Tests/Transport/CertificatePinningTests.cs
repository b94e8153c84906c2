using System.Security.Cryptography.X509Certificates;
using Kamus.Client.Tests.Support;
using Kamus.Client.Tokens;
using Kamus.Testing;
using Microsoft.AspNetCore.Http;

namespace Kamus.Client.Tests.Transport;

/// <summary>TLS against a loopback Kestrel HTTPS server with a self-signed certificate.</summary>
public sealed class CertificatePinningTests : IAsyncLifetime
{
    // A well-formed v2 value: the client checks that an encrypt answer is a ciphertext.
    private static readonly string Answer = Kamus.Wire.Formats.V2Layout.FormatValue("key1", new byte[40]);

    private X509Certificate2 _certificate = null!;
    private LoopbackApp _server = null!;

    public async Task InitializeAsync()
    {
        _certificate = TestCertificates.CreateSelfSignedLoopback();
        _server = await LoopbackApp.StartAsync(context =>
        {
            context.Response.ContentType = "text/plain";
            return context.Response.WriteAsync(Answer);
        }, _certificate);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _certificate.Dispose();
    }

    [Fact]
    public async Task A_matching_pin_is_accepted_even_for_a_self_signed_certificate()
    {
        using var client = Client(o => o.CertificateFingerprint = TestCertificates.Sha256Fingerprint(_certificate));

        Assert.Equal(Answer, await client.EncryptAsync("x", "api", "team-a"));
    }

    [Fact]
    public async Task A_pin_mismatch_fails_closed_before_sending_anything()
    {
        using var client = Client(o => o.CertificateFingerprint = string.Join(':', Enumerable.Repeat("AB", 32)));

        var error = await Assert.ThrowsAsync<KamusException>(() => client.EncryptAsync("plain-secret", "api", "team-a"));

        Assert.Equal(KamusErrorKind.CertificatePinMismatch, error.Kind);
        Assert.Equal(0, _server.Requests);
        Assert.DoesNotContain("plain-secret", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_untrusted_certificate_is_refused_without_a_pin()
    {
        using var client = Client(_ => { });

        var error = await Assert.ThrowsAsync<KamusException>(() => client.EncryptAsync("x", "api", "team-a"));

        Assert.Equal(KamusErrorKind.Configuration, error.Kind);
        Assert.Equal(0, _server.Requests);
    }

    [Fact]
    public async Task A_custom_ca_bundle_makes_it_trusted()
    {
        using var dir = new TempDirectory();
        await File.WriteAllTextAsync(dir.File("ca.pem"), _certificate.ExportCertificatePem());
        using var client = Client(o => o.CaBundlePath = dir.File("ca.pem"));

        Assert.Equal(Answer, await client.EncryptAsync("x", "api", "team-a"));
    }

    [Theory]
    [InlineData("1.3.6.1.5.5.7.3.1", true)]
    [InlineData("1.3.6.1.5.5.7.3.2", false)]
    public async Task A_ca_bundle_trusts_only_certificates_meant_for_tls_servers(string extendedKeyUsage, bool trusted)
    {
        var (authority, leaf) = TestCertificates.CreateAuthorityAndLoopbackLeaf(extendedKeyUsage);
        using (authority)
        using (leaf)
        {
            await using var server = await LoopbackApp.StartAsync(context => context.Response.WriteAsync(Answer), leaf);
            using var dir = new TempDirectory();
            await File.WriteAllTextAsync(dir.File("ca.pem"), authority.ExportCertificatePem());
            using var client = Client(o => o.CaBundlePath = dir.File("ca.pem"), server);

            if (trusted)
            {
                Assert.Equal(Answer, await client.EncryptAsync("x", "api", "team-a"));
            }
            else
            {
                var error = await Assert.ThrowsAsync<KamusException>(() => client.EncryptAsync("x", "api", "team-a"));
                Assert.Equal(KamusErrorKind.Configuration, error.Kind);
                Assert.Equal(0, server.Requests);
            }
        }
    }

    private KamusClient Client(Action<KamusClientOptions> configure, LoopbackApp? server = null)
    {
        var options = new KamusClientOptions
        {
            Url = new Uri($"https://127.0.0.1:{(server ?? _server).Url.Port}/"),
            TokenSource = new StaticTokenSource("t"),
            MaxRetryAttempts = 1,
            RetryBaseDelay = TimeSpan.FromMilliseconds(10),
        };
        configure(options);
        return new KamusClient(options);
    }
}
