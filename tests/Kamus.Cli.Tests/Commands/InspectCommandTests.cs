using System.Text.Json;
using Kamus.Cli.Tests.Support;
using Kamus.Testing;
using Kamus.Wire.Formats;

namespace Kamus.Cli.Tests.Commands;

public sealed class InspectCommandTests
{
    [Fact]
    public async Task Lists_encrypted_entries_with_format_key_id_and_authentication()
    {
        var (upstream, envelope) = UpstreamVectors();
        var v2 = FakeKamusClient.Ciphertext(1);
        using var dir = new TempDirectory();
        var path = dir.Write("appsettings.json", $$"""
            {
              // comments are fine
              "Db": { "Password": "kamus:{{v2}}" },
              "Legacy": [ "kamus:{{upstream}}", "kamus:{{envelope}}" ],
              "Name": "orders"
            }
            """);

        var result = await KamusTool.RunAsync(["inspect", path]);

        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd()).ToArray();
        Assert.Equal(4, lines.Length);
        Assert.StartsWith("KEY", lines[0], StringComparison.Ordinal);
        Assert.Matches(@"^Db:Password\s+V2Value\s+test\s+yes\s+not shown by format\s+" + CiphertextFingerprint.Of(v2) + "$", lines[1]);
        Assert.Matches(@"^Legacy:0\s+UpstreamAes\s+-\s+no\s+not shown by format\s+[0-9a-f]{8}$", lines[2]);
        Assert.Matches(@"^Legacy:1\s+UpstreamEnvelope\s+-\s+no\s+not shown by format\s+[0-9a-f]{8}$", lines[3]);
    }

    [Fact]
    public async Task Warns_about_plaintext_secrets_and_fails_only_when_asked()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("appsettings.json", """{ "Smtp": { "Password": "hunter2", "Host": "mail" }, "ConnectionStrings": { "Db": "Server=x" } }""");

        var lenient = await KamusTool.RunAsync(["inspect", path]);
        var strict = await KamusTool.RunAsync(["inspect", path, "--fail-on-plaintext"]);

        Assert.Equal(ExitCodes.Ok, lenient.ExitCode);
        Assert.Equal(ExitCodes.PlaintextFound, strict.ExitCode);
        Assert.Contains("Smtp:Password looks like a secret but is plaintext", strict.Stderr, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings:Db looks like a secret", strict.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Smtp:Host", strict.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", strict.Stderr + strict.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_marked_value_that_is_not_a_ciphertext_is_an_input_error()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("appsettings.json", """{ "Db": { "Password": "kamus:oops-plaintext" } }""");

        var result = await KamusTool.RunAsync(["inspect", path]);

        Assert.Equal(ExitCodes.Input, result.ExitCode);
        Assert.Contains("Db:Password is marked encrypted but is not a Kamus ciphertext", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("oops-plaintext", result.Stderr + result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_value_bound_to_another_key_is_reported_as_moved_and_is_an_input_error()
    {
        // encrypt-json binds each value to its key; AddKamus refuses one found under another key, so CI should too.
        var stays = FakeKamusClient.Ciphertext(1, "config:Db:Password");
        var moved = FakeKamusClient.Ciphertext(2, "config:Smtp:Password");
        using var dir = new TempDirectory();
        var path = dir.Write("appsettings.json", $$"""
            { "db": { "password": "kamus:{{stays}}" }, "Api": { "Key": "kamus:{{moved}}" } }
            """);

        var result = await KamusTool.RunAsync(["inspect", path]);

        Assert.Equal(ExitCodes.Input, result.ExitCode);
        Assert.Contains("Api:Key is bound to config:Smtp:Password, not to config:Api:Key", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("db:password is bound", result.Stderr, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("1 encrypted, 1 invalid", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_and_invalid_files_are_input_errors()
    {
        using var dir = new TempDirectory();
        var invalid = dir.Write("bad.json", "{ nope }");

        var missing = await KamusTool.RunAsync(["inspect", dir.File("missing.json")]);
        var bad = await KamusTool.RunAsync(["inspect", invalid]);

        Assert.Equal(ExitCodes.Input, missing.ExitCode);
        Assert.Equal(ExitCodes.Input, bad.ExitCode);
        Assert.Single(bad.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    private static (string Upstream, string Envelope) UpstreamVectors()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "kamus-v1-vectors.json")));
        var vectors = doc.RootElement.GetProperty("vectors").EnumerateArray().ToList();
        string First(Func<string, bool> mode) => vectors.First(v => mode(v.GetProperty("mode").GetString()!)).GetProperty("ciphertext").GetString()!;
        return (First(m => !m.EndsWith("envelope", StringComparison.Ordinal)), First(m => m.EndsWith("envelope", StringComparison.Ordinal)));
    }
}
