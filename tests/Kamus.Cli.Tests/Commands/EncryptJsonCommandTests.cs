using Kamus.Cli.Tests.Support;
using Kamus.Client;
using Kamus.Testing;

namespace Kamus.Cli.Tests.Commands;

/// <summary>The CLI's own rules for <c>kamus encrypt-json</c>, with a recording stand-in for the server (end-to-end tests use the real one).</summary>
public sealed class EncryptJsonCommandTests
{
    private const string Settings = """
        {
          // Orders service
          "ConnectionStrings": {
            "Orders": "Server=db;Password=hunter2", /* prod */
            "Audit": "Server=audit;Password=x"
          },
          "Smtp": { "Password": "mail-pw", "Port": 25 },
          "Logging": { "LogLevel": { "Default": "Information" } }
        }

        """;

    [Fact]
    public async Task Encrypts_all_selected_values_in_one_batch_and_keeps_the_rest()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("appsettings.json", Settings);
        var client = new FakeKamusClient();

        var result = await Run(client, path, "-k", "ConnectionStrings:*", "-k", "Smtp:Password");

        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        var batch = Assert.Single(client.Batches);
        Assert.Equal(["ConnectionStrings:Orders", "ConnectionStrings:Audit", "Smtp:Password"], batch.Keys);
        Assert.Equal("mail-pw", batch["Smtp:Password"]);
        var expected = Settings
            .Replace("\"Server=db;Password=hunter2\"", $"\"kamus:{FakeKamusClient.Ciphertext(1, "config:ConnectionStrings:Orders")}\"", StringComparison.Ordinal)
            .Replace("\"Server=audit;Password=x\"", $"\"kamus:{FakeKamusClient.Ciphertext(2, "config:ConnectionStrings:Audit")}\"", StringComparison.Ordinal)
            .Replace("\"mail-pw\"", $"\"kamus:{FakeKamusClient.Ciphertext(3, "config:Smtp:Password")}\"", StringComparison.Ordinal);
        Assert.Equal(expected, await File.ReadAllTextAsync(path));
        Assert.Equal(["appsettings.json"], dir.Names());
        Assert.Empty(result.Stdout);
        Assert.DoesNotContain("hunter2", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rerun_changes_nothing_and_calls_nobody()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("appsettings.json", Settings);
        var client = new FakeKamusClient();
        await Run(client, path, "-k", "ConnectionStrings:*");
        var once = await File.ReadAllBytesAsync(path);
        var writeTime = File.GetLastWriteTimeUtc(path);

        var again = await Run(client, path, "-k", "ConnectionStrings:*");

        Assert.Equal(ExitCodes.Ok, again.ExitCode);
        Assert.Contains("Nothing to encrypt", again.Stderr, StringComparison.Ordinal);
        Assert.Equal(once, await File.ReadAllBytesAsync(path));
        Assert.Equal(writeTime, File.GetLastWriteTimeUtc(path));
        Assert.Single(client.Batches);
    }

    [Fact]
    public async Task Dry_run_lists_the_keys_that_would_change_and_changes_nothing()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("appsettings.json", Settings);
        var client = new FakeKamusClient();

        var result = await Run(client, path, "-k", "ConnectionStrings:*", "-k", "Smtp:Password", "--dry-run");

        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        Assert.Equal(["ConnectionStrings:Orders", "ConnectionStrings:Audit", "Smtp:Password"], result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Equal(Settings, await File.ReadAllTextAsync(path));
        Assert.Empty(client.Batches);
    }

    [Theory]
    [InlineData("{ \"A\": ", "not valid JSON (line 1")]
    [InlineData("[\"x\"]", "top level is an array")]
    public async Task Invalid_files_are_input_errors_and_stay_unchanged(string contents, string message)
    {
        using var dir = new TempDirectory();
        var path = dir.Write("appsettings.json", contents);

        var result = await Run(new FakeKamusClient(), path, "-k", "A");

        Assert.Equal(ExitCodes.Input, result.ExitCode);
        Assert.Contains(message, result.Stderr, StringComparison.Ordinal);
        Assert.Equal(contents, await File.ReadAllTextAsync(path));
    }

    [Theory]
    [InlineData("Smtp:User", "key 'Smtp:User' does not exist")]
    [InlineData("Smtp:Port", "is a number, not a string")]
    [InlineData("Logging:*", "matches no string value")]
    public async Task Keys_that_select_nothing_are_input_errors(string key, string message)
    {
        using var dir = new TempDirectory();
        var path = dir.Write("appsettings.json", Settings);
        var client = new FakeKamusClient();

        var result = await Run(client, path, "-k", "ConnectionStrings:*", "-k", key);

        Assert.Equal(ExitCodes.Input, result.ExitCode);
        Assert.Contains(message, result.Stderr, StringComparison.Ordinal);
        Assert.Equal(Settings, await File.ReadAllTextAsync(path));
        Assert.Empty(client.Batches);
    }

    [Fact]
    public async Task A_missing_file_is_an_input_error()
    {
        using var dir = new TempDirectory();

        var result = await Run(new FakeKamusClient(), dir.File("nope.json"), "-k", "A");

        Assert.Equal(ExitCodes.Input, result.ExitCode);
        Assert.Contains("nope.json does not exist", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(dir.Names());
    }

    [Fact]
    public async Task A_server_failure_leaves_the_file_unchanged()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("appsettings.json", Settings);
        var client = new FakeKamusClient { Failure = new KamusException(KamusErrorKind.Unavailable, "cannot reach the Kamus server.") };

        var result = await Run(client, path, "-k", "ConnectionStrings:*");

        Assert.Equal(ExitCodes.Unreachable, result.ExitCode);
        Assert.Equal(Settings, await File.ReadAllTextAsync(path));
        Assert.Equal(["appsettings.json"], dir.Names());
    }

    [Fact]
    public async Task Shows_progress_on_a_terminal_for_many_values_only()
    {
        using var dir = new TempDirectory();
        var many = "{" + string.Join(",", Enumerable.Range(0, 12).Select(i => $"\"S{i}\": \"v{i}\"")) + "}";
        var path = dir.Write("many.json", many);
        var small = dir.Write("small.json", Settings);

        var onTerminal = await KamusTool.RunAsync(["encrypt-json", path, "-a", "orders", "-n", "prod", "-u", "http://127.0.0.1:1", "-k", "*"], client: new FakeKamusClient(), errorTerminal: true);
        var redirected = await KamusTool.RunAsync(["encrypt-json", small, "-a", "orders", "-n", "prod", "-u", "http://127.0.0.1:1", "-k", "Smtp:Password"], client: new FakeKamusClient(), errorTerminal: true);

        Assert.Equal(ExitCodes.Ok, onTerminal.ExitCode);
        Assert.Contains("Encrypting 12 values for prod:orders", onTerminal.Stderr, StringComparison.Ordinal);
        Assert.Contains("\r\u001b[K", onTerminal.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("\r", redirected.Stderr, StringComparison.Ordinal);
    }

    private static Task<CliResult> Run(FakeKamusClient client, string path, params string[] keys) =>
        KamusTool.RunAsync(["encrypt-json", path, "-a", "orders-api", "-n", "prod", "-u", "http://127.0.0.1:1", .. keys], client: client);

    [Fact]
    public async Task Each_value_is_bound_to_its_configuration_key_by_default_and_no_bind_turns_it_off()
    {
        using var dir = new TempDirectory();
        var bound = new FakeKamusClient();
        var unbound = new FakeKamusClient();

        Assert.Equal(ExitCodes.Ok, (await Run(bound, dir.Write("a.json", Settings), "-k", "ConnectionStrings:*", "-k", "Smtp:Password")).ExitCode);
        Assert.Equal(ExitCodes.Ok, (await Run(unbound, dir.Write("b.json", Settings), "-k", "Smtp:Password", "--no-bind")).ExitCode);

        Assert.Equal(
            new Dictionary<string, string>
            {
                ["ConnectionStrings:Orders"] = "config:ConnectionStrings:Orders",
                ["ConnectionStrings:Audit"] = "config:ConnectionStrings:Audit",
                ["Smtp:Password"] = "config:Smtp:Password",
            },
            Assert.Single(bound.BatchContexts));
        Assert.Null(Assert.Single(unbound.BatchContexts));
    }

    [Fact]
    public async Task An_unbound_answer_to_a_bound_request_leaves_the_file_unchanged_and_suggests_no_bind()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("appsettings.json", Settings);

        var result = await Run(new FakeKamusClient { IgnoresContexts = true }, path, "-k", "Smtp:Password");

        Assert.Equal(ExitCodes.Unreachable, result.ExitCode);
        Assert.Contains("not bound", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("--no-bind", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(Settings, await File.ReadAllTextAsync(path));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_answer_that_is_the_plaintext_or_not_a_ciphertext_is_never_written(bool echo)
    {
        using var dir = new TempDirectory();
        var path = dir.Write("appsettings.json", Settings);
        var client = new FakeKamusClient { Answer = plaintext => echo ? plaintext : "Server=db" };

        var result = await Run(client, path, "-k", "ConnectionStrings:*", "--no-bind");

        Assert.Equal(ExitCodes.Unreachable, result.ExitCode);
        Assert.Contains("ConnectionStrings:", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(Settings, await File.ReadAllTextAsync(path));
        Assert.Equal(["appsettings.json"], dir.Names());
    }
}
