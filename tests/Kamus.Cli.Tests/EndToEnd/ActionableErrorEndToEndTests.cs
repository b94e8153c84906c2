using System.Net;
using System.Net.Sockets;
using Kamus.Cli.Service;
using Kamus.Cli.Tests.Support;

namespace Kamus.Cli.Tests.EndToEnd;

/// <summary>Each error a new user meets is one line that names the URL and the cause, with its documented exit code.</summary>
[Collection(KamusServerTests.Name)]
public sealed class ActionableErrorEndToEndTests(CliServerFixture server)
{
    private static readonly string[] Target = ["-a", CliServerFixture.ServiceAccount, "-n", CliServerFixture.Namespace];

    [Fact]
    public async Task An_unreachable_server_names_the_url_and_says_connection_refused()
    {
        var url = EncryptEndToEndTests.ClosedPortUrl();

        var result = await KamusTool.RunAsync(["encrypt", .. Target, "-u", url], stdin: "x");

        Assert.Equal(ExitCodes.Unreachable, result.ExitCode);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"Cannot reach the Kamus server at {url}api/v1/encrypt", line, StringComparison.Ordinal);
        Assert.Contains("connection refused by 127.0.0.1:", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_timeout_option_bounds_a_server_that_never_answers()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start(); // connections are accepted by the kernel and never answered
        var url = $"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}/";

        var result = await KamusTool.RunAsync(["encrypt", .. Target, "-u", url, "--timeout", "300ms"], stdin: "x");

        Assert.Equal(ExitCodes.Unreachable, result.ExitCode);
        Assert.Contains($"The Kamus server at {url}api/v1/encrypt did not answer within 00:00:00.3000000 (TotalTimeout)", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("(Timeout)", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_url_that_answers_404_is_exit_code_1_naming_the_url()
    {
        var wrong = new Uri(server.Url, "not-kamus/").ToString();

        var result = await KamusTool.RunAsync(["encrypt", .. Target, "-u", wrong], stdin: "x");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains($"POST {wrong}api/v1/encrypt failed with HTTP 404: the URL does not serve the Kamus API", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("HTTP 404", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_ca_bundle_is_an_input_error_with_its_full_path()
    {
        var result = await KamusTool.RunAsync(["encrypt", .. Target, "-u", server.Url.ToString(), "--ca-bundle", "no-such-ca.pem"], stdin: "x");

        Assert.Equal(ExitCodes.Input, result.ExitCode);
        Assert.Contains($"--ca-bundle '{Path.GetFullPath("no-such-ca.pem")}' does not exist", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("30", 30_000)]
    [InlineData("30s", 30_000)]
    [InlineData("2m", 120_000)]
    [InlineData("500ms", 500)]
    [InlineData("00:01:30", 90_000)]
    [InlineData("1.5", 1_500)]
    public void Timeouts_are_read_as_seconds_units_or_a_time_span(string text, int milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), ConnectionOptions.ParseTimeout(text));

    [Theory]
    [InlineData("soon")]
    [InlineData("0")]
    [InlineData("5ms")]
    [InlineData("2d")]
    public async Task An_invalid_timeout_is_a_usage_error_that_shows_the_forms(string text)
    {
        var result = await KamusTool.RunAsync(["encrypt", .. Target, "-u", server.Url.ToString(), "--timeout", text], stdin: "x");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains($"--timeout '{text}' is not a duration", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("30s, 2m, 500ms", result.Stderr, StringComparison.Ordinal);
    }
}
