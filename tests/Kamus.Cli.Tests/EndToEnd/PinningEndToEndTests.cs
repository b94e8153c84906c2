using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Kamus.Cli.Tests.Support;
using Kamus.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Kamus.Cli.Tests.EndToEnd;

/// <summary>
/// <c>--cert-fingerprint</c> against the real Kamus.Server serving HTTPS on loopback with a self-signed certificate:
/// the right pin is trusted, a wrong one is refused before any secret is sent, and the file is unchanged.
/// </summary>
public sealed class PinningEndToEndTests : IAsyncLifetime
{
    private X509Certificate2 _certificate = null!;
    private KamusServerHost _host = null!;

    public async Task InitializeAsync()
    {
        _certificate = TestCertificates.CreateSelfSignedLoopback();
        _host = await KamusServerHost.StartAsync(options => options.ConfigureBuilder = builder =>
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(_certificate);
            })));
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _certificate.Dispose();
    }

    [Fact]
    public async Task The_right_pin_trusts_a_self_signed_server()
    {
        var pin = TestCertificates.Sha256Fingerprint(_certificate, ":");

        var result = await KamusTool.RunAsync(["encrypt", "-a", "orders-api", "-n", "prod", "-u", _host.Url.ToString(), "--cert-fingerprint", pin], stdin: "pinned");

        Assert.Equal("https", _host.Url.Scheme);
        Assert.True(result.ExitCode == ExitCodes.Ok, result.ToString());
        Assert.NotEmpty(result.Stdout.Trim());
    }

    [Fact]
    public async Task Upstreams_sha1_pin_form_trusts_the_right_server_with_a_warning_and_refuses_another()
    {
#pragma warning disable CA5350 // kamus-cli's fingerprints are SHA-1: this is the compatibility being tested.
        var pin = string.Join(':', SHA1.HashData(_certificate.RawData).Select(b => b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));
        var wrongPin = Convert.ToHexString(SHA1.HashData("another certificate"u8));
#pragma warning restore CA5350

        var right = await KamusTool.RunAsync(["encrypt", "-a", "orders-api", "-n", "prod", "-u", _host.Url.ToString(), "--cert-fingerprint", pin], stdin: "pinned");
        var wrong = await KamusTool.RunAsync(["encrypt", "-a", "orders-api", "-n", "prod", "-u", _host.Url.ToString(), "--cert-fingerprint", wrongPin], stdin: "pinned");

        Assert.True(right.ExitCode == ExitCodes.Ok, right.ToString());
        Assert.Contains("SHA-1", right.Stderr, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Unreachable, wrong.ExitCode);
        Assert.Contains("CertificatePinMismatch", wrong.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pin_mismatch_is_exit_code_4_in_one_line_and_the_file_is_unchanged()
    {
        using var dir = new TempDirectory();
        const string Settings = "{ \"Db\": { \"Password\": \"pinned-secret\" } }";
        var path = dir.Write("appsettings.json", Settings);
        var wrongPin = Convert.ToHexString(SHA256.HashData("another certificate"u8));
        _host.ResetCounts();

        var result = await KamusTool.RunAsync(["encrypt-json", path, "-k", "Db:Password", "-a", "orders-api", "-n", "prod", "-u", _host.Url.ToString(), "--cert-fingerprint", wrongPin]);

        Assert.Equal(ExitCodes.Unreachable, result.ExitCode);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("CertificatePinMismatch", line, StringComparison.Ordinal);
        Assert.Equal(Settings, await File.ReadAllTextAsync(path));
        Assert.Equal(0, _host.RequestCount("/api/v2/encrypt"));
    }
}
