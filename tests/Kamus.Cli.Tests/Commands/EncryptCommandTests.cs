using Kamus.Wire.Formats;
using Kamus.Cli.Service;
using Kamus.Cli.Tests.Support;
using Kamus.Client;
using Kamus.Testing;

namespace Kamus.Cli.Tests.Commands;

/// <summary>The CLI's own rules for <c>kamus encrypt</c>, with a recording stand-in for the server (end-to-end tests use the real one).</summary>
public sealed class EncryptCommandTests
{
    private static readonly string[] Target = ["encrypt", "-a", "orders-api", "-n", "prod", "-u", "http://127.0.0.1:1"];

    [Fact]
    public async Task Reads_the_secret_from_stdin_and_prints_only_the_ciphertext()
    {
        var client = new FakeKamusClient();

        var result = await KamusTool.RunAsync(Target, stdin: "s3cr3t", client: client);

        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        Assert.Equal(FakeKamusClient.Ciphertext(1) + Environment.NewLine, result.Stdout);
        Assert.Equal(("s3cr3t", "orders-api", "prod"), Assert.Single(client.Encrypted));
        Assert.DoesNotContain("s3cr3t", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Secret_option_works_and_is_warned_about()
    {
        var client = new FakeKamusClient();

        var result = await KamusTool.RunAsync([.. Target, "-s", "s3cr3t"], client: client);

        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        Assert.Equal("s3cr3t", Assert.Single(client.Encrypted).Data);
        Assert.Contains("warning: --secret", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("s3cr3t\n")]
    [InlineData("line1\r\nline2")]
    public async Task A_newline_is_an_error_unless_ignore_new_line(string secret)
    {
        var client = new FakeKamusClient();

        var refused = await KamusTool.RunAsync(Target, stdin: secret, client: client);
        var accepted = await KamusTool.RunAsync([.. Target, "-i"], stdin: secret, client: client);

        Assert.Equal(ExitCodes.Input, refused.ExitCode);
        Assert.Contains("contains a newline", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Ok, accepted.ExitCode);
        Assert.Equal(secret, Assert.Single(client.Encrypted).Data);
    }

    [Fact]
    public async Task Without_a_secret_and_with_a_terminal_on_stdin_it_fails_instead_of_prompting()
    {
        var result = await KamusTool.RunAsync(Target, client: new FakeKamusClient(), inputTerminal: true);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("no secret given", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("utf8", new byte[] { 0xEF, 0xBB, 0xBF, (byte)'p', (byte)'w' }, "pw")]
    [InlineData("latin1", new byte[] { 0xE9 }, "\u00e9")]
    [InlineData("utf16le", new byte[] { (byte)'p', 0, (byte)'w', 0 }, "pw")]
    [InlineData("base64", new byte[] { 0, 1, 2, 0xFF }, "AAEC/w==")]
    [InlineData("hex", new byte[] { 0, 1, 2, 0xFF }, "000102ff")]
    public async Task Secret_file_is_read_in_the_given_encoding(string encoding, byte[] contents, string expected)
    {
        using var dir = new TempDirectory();
        var file = dir.File("secret.bin");
        await File.WriteAllBytesAsync(file, contents);
        var client = new FakeKamusClient();

        var result = await KamusTool.RunAsync([.. Target, "-f", file, "--secret-file-encoding", encoding], client: client);

        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        Assert.Equal(expected, Assert.Single(client.Encrypted).Data);
    }

    [Fact]
    public async Task Invalid_utf8_in_the_secret_file_is_an_input_error()
    {
        using var dir = new TempDirectory();
        var file = dir.File("secret.bin");
        await File.WriteAllBytesAsync(file, [0xC3, 0x28]);

        var result = await KamusTool.RunAsync([.. Target, "-f", file], client: new FakeKamusClient());

        Assert.Equal(ExitCodes.Input, result.ExitCode);
        Assert.Contains("base64", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Output_writes_the_file_and_refuses_to_replace_it_without_overwrite()
    {
        using var dir = new TempDirectory();
        var output = dir.File("secret.enc");
        var client = new FakeKamusClient();

        var first = await KamusTool.RunAsync([.. Target, "-o", output], stdin: "one", client: client);
        var second = await KamusTool.RunAsync([.. Target, "-o", output], stdin: "two", client: client);
        var third = await KamusTool.RunAsync([.. Target, "-o", output, "-O"], stdin: "three", client: client);

        Assert.Equal(ExitCodes.Ok, first.ExitCode);
        Assert.Equal(string.Empty, first.Stdout);
        Assert.Equal(ExitCodes.Input, second.ExitCode);
        Assert.Contains("already exists", second.Stderr, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Ok, third.ExitCode);
        Assert.Equal(["one", "three"], client.Encrypted.Select(e => e.Data));
        Assert.Equal(FakeKamusClient.Ciphertext(2), await File.ReadAllTextAsync(output));
    }

    [Fact]
    public async Task Azure_ad_options_are_accepted_with_one_line_saying_login_is_not_supported()
    {
        var result = await KamusTool.RunAsync([.. Target, "--auth-tenant", "t", "--auth-application", "a", "--auth-resource", "r"], stdin: "x", client: new FakeKamusClient());

        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        Assert.Single(result.Stderr.Split('\n'), l => l.Contains("device-code login is not supported", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(new[] { "-n", "prod", "-a", "default" }, "'default' service account")]
    [InlineData(new[] { "-n", "Prod", "-a", "orders" }, "--namespace 'Prod'")]
    [InlineData(new[] { "-n", "prod", "-a", "orders", "-s", "x", "-f", "y" }, "not both")]
    [InlineData(new[] { "-n", "prod", "-a", "orders", "--cert-fingerprint", "ab:cd" }, "SHA-256")]
    [InlineData(new[] { "-n", "prod" }, "'--service-account' is required")]
    [InlineData(new[] { "-n", "prod", "-a", "orders", "--bogus" }, "--bogus")]
    public async Task Usage_errors_exit_1_with_one_clear_line(string[] args, string message)
    {
        var client = new FakeKamusClient();

        var result = await KamusTool.RunAsync(["encrypt", "-u", "https://kamus.example", .. args], stdin: "x", client: client);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains(message, result.Stderr, StringComparison.Ordinal);
        Assert.Empty(result.Stdout);
        Assert.Empty(client.Encrypted);
    }

    [Theory]
    [InlineData(null, "no Kamus server")]
    [InlineData("ftp://x", "is not an http:// or https:// URL")]
    [InlineData("http://kamus.example", "--allow-insecure-url")]
    public async Task The_server_url_is_checked_before_anything_is_sent(string? url, string message)
    {
        string[] args = url is null ? ["encrypt", "-a", "orders", "-n", "prod"] : ["encrypt", "-a", "orders", "-n", "prod", "-u", url];

        var result = await KamusTool.RunAsync(args, stdin: "x", client: new FakeKamusClient());

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains(message, result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_url_and_token_come_from_the_environment_too()
    {
        Service.KamusConnection? seen = null;
        var client = new FakeKamusClient();
        var environment = new CliEnvironment
        {
            GetVariable = name => name switch { "KAMUS_URL" => "http://kamus.example", "KAMUS_TOKEN" => "bearer-xyz", _ => null },
            ClientFactory = c => { seen = c; return client; },
        };
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = await KamusCli.RunAsync(["encrypt", "-a", "orders", "-n", "prod", "--allow-insecure-url"], new StringReader("x"), stdout, stderr, environment);

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Equal(new Uri("http://kamus.example"), seen!.Url);
        Assert.Equal("bearer-xyz", seen.BearerToken);
        Assert.DoesNotContain("bearer-xyz", seen.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(KamusErrorKind.Forbidden, ExitCodes.ServerRefused)]
    [InlineData(KamusErrorKind.Unauthorized, ExitCodes.ServerRefused)]
    [InlineData(KamusErrorKind.InvalidRequest, ExitCodes.ServerRefused)]
    [InlineData(KamusErrorKind.Unavailable, ExitCodes.Unreachable)]
    [InlineData(KamusErrorKind.CertificatePinMismatch, ExitCodes.Unreachable)]
    [InlineData(KamusErrorKind.Timeout, ExitCodes.Unreachable)]
    [InlineData(KamusErrorKind.Configuration, ExitCodes.Usage)]
    public async Task Server_failures_map_to_documented_exit_codes_in_one_line(KamusErrorKind kind, int exitCode)
    {
        var client = new FakeKamusClient { Failure = new KamusException(kind, "the server said no.") };

        var result = await KamusTool.RunAsync(Target, stdin: "s3cr3t", client: client);

        Assert.Equal(exitCode, result.ExitCode);
        Assert.Equal($"kamus: error: the server said no (server http://127.0.0.1:1/) ({kind}).", result.Stderr.TrimEnd());
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public async Task Verbose_adds_the_stack_trace()
    {
        var client = new FakeKamusClient { Failure = new KamusException(KamusErrorKind.Unavailable, "down.") };

        var quiet = await KamusTool.RunAsync(Target, stdin: "x", client: client);
        var verbose = await KamusTool.RunAsync([.. Target, "--verbose"], stdin: "x", client: client);

        Assert.DoesNotContain(" at ", quiet.Stderr, StringComparison.Ordinal);
        Assert.Contains(" at ", verbose.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("plaintext")]
    [InlineData("garbage")]
    [InlineData("")]
    [InlineData("wrapped-key")]
    public async Task An_answer_that_is_not_a_ciphertext_of_the_secret_is_never_written(string answer)
    {
        using var dir = new TempDirectory();
        var output = dir.File("secret.enc");
        var client = new FakeKamusClient
        {
            Answer = data => answer switch
            {
                "plaintext" => data,
                "garbage" => "<html>proxy error</html>",
                "wrapped-key" => V2Layout.FormatWrappedKey("k1", new byte[60]),
                _ => string.Empty,
            },
        };

        var toStdout = await KamusTool.RunAsync(Target, stdin: "s3cr3t", client: client);
        var toFile = await KamusTool.RunAsync([.. Target, "-o", output], stdin: "s3cr3t", client: client);

        Assert.Equal(ExitCodes.Unreachable, toStdout.ExitCode);
        Assert.Empty(toStdout.Stdout);
        Assert.Contains("cannot be used", toStdout.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", toStdout.Stderr, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Unreachable, toFile.ExitCode);
        Assert.Empty(dir.Names());
    }

    [Fact]
    public async Task Upstream_kamus_cli_flags_are_accepted_with_one_note()
    {
        var result = await KamusTool.RunAsync([.. Target, "--log-flag", "no-date", "--log-output", "/tmp/kamus.log", "--log-encoding", "utf8", "--log-level", "debug", "--no-color", "-v"], stdin: "x", client: new FakeKamusClient());

        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        Assert.Equal(FakeKamusClient.Ciphertext(1), result.Stdout.Trim());
        var note = Assert.Single(result.Stderr.Split('\n'), l => l.Contains("kamus-cli compatibility", StringComparison.Ordinal));
        Assert.Contains("--log-output", note, StringComparison.Ordinal);
        Assert.False(File.Exists("/tmp/kamus.log"));
    }

    [Theory]
    [InlineData("--version")]
    [InlineData("-V")]
    public async Task Version_flags_print_the_version(string flag)
    {
        var result = await KamusTool.RunAsync([flag]);

        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+", result.Stdout.Trim());
    }

    [Theory]
    [InlineData("A9:4A:8F:E5:CC:B1:9B:A6:1C:4C:08:73:D3:91:E9:87:98:2F:BB:D3")]
    [InlineData("a94a8fe5ccb19ba61c4c0873d391e987982fbbd3")]
    public async Task An_upstream_sha1_fingerprint_is_accepted_with_a_warning(string fingerprint)
    {
        KamusConnection? seen = null;
        var client = new FakeKamusClient();
        var environment = new CliEnvironment { GetVariable = _ => null, ClientFactory = c => { seen = c; return client; } };
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = await KamusCli.RunAsync(["encrypt", "-a", "orders", "-n", "prod", "-u", "https://kamus.example", "--cert-fingerprint", fingerprint], new StringReader("x"), stdout, stderr, environment);

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Equal("a94a8fe5ccb19ba61c4c0873d391e987982fbbd3", seen!.CertificateFingerprint);
        Assert.Contains("SHA-1", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_fingerprint_with_an_http_url_is_ignored_with_a_warning_as_upstream_does()
    {
        KamusConnection? seen = null;
        var environment = new CliEnvironment { GetVariable = _ => null, ClientFactory = c => { seen = c; return new FakeKamusClient(); } };
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = await KamusCli.RunAsync(["encrypt", "-a", "orders", "-n", "prod", "-u", "http://127.0.0.1:1", "--cert-fingerprint", new string('a', 64)], new StringReader("x"), stdout, stderr, environment);

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Null(seen!.CertificateFingerprint);
        Assert.Contains("--cert-fingerprint is ignored", stderr.ToString(), StringComparison.Ordinal);
    }
}
