using System.Text;
using Kamus.Cli.Json;
using Kamus.Cli.Tests.Support;
using Kamus.Client;
using Kamus.Client.Tokens;
using Kamus.Testing;
using Kamus.Wire.Formats;
using Microsoft.Extensions.Configuration;

namespace Kamus.Cli.Tests.EndToEnd;

/// <summary><c>kamus encrypt-json</c> against the real Kamus.Server on loopback.</summary>
[Collection(KamusServerTests.Name)]
public sealed class EncryptJsonEndToEndTests(CliServerFixture server)
{
    private const string Settings = "\uFEFF// Production settings of orders-api\r\n{\r\n  \"ConnectionStrings\": {\r\n    \"Orders\": \"Server=db;User=orders;Password=p@ss\\\"word\", // primary\r\n    /* audit database */\r\n    \"Audit\":   \"Server=audit;Password=\\u00e9t\\u00e9\",\r\n  },\r\n  \"Smtp\": { \"Host\": \"mail.local\", \"Password\": \"mail-secret\", \"Port\": 587 },\r\n  \"Services\": [ { \"ApiKey\": \"key-0\" }, { \"ApiKey\": \"key-1\" } ],\r\n  \"Logging\": { \"LogLevel\": { \"Default\": \"Information\" } }\r\n}\r\n";

    private static readonly Dictionary<string, string> Plaintexts = new()
    {
        ["ConnectionStrings:Orders"] = "Server=db;User=orders;Password=p@ss\"word",
        ["ConnectionStrings:Audit"] = "Server=audit;Password=\u00e9t\u00e9",
        ["Smtp:Password"] = "mail-secret",
        ["Services:0:ApiKey"] = "key-0",
        ["Services:1:ApiKey"] = "key-1",
    };

    [Fact]
    public async Task Round_trips_byte_for_byte_except_the_changed_values_and_decrypts_with_one_unwrap()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("appsettings.Production.json", Settings);
        server.Host.ResetCounts();

        var result = await Run(path, "-k", "ConnectionStrings:*", "-k", "smtp:password", "-k", "Services:*:ApiKey");

        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        Assert.Equal(1, server.Host.RequestCount("/api/v2/encrypt"));
        Assert.Equal(0, server.Host.RequestCount("/api/v1/encrypt"));
        var updated = await File.ReadAllBytesAsync(path);
        var encrypted = JsonDocumentScanner.Scan(updated).Where(n => n.IsString && n.StringValue!.StartsWith("kamus:", StringComparison.Ordinal)).ToList();
        Assert.Equal(Plaintexts.Keys.Order(), encrypted.Select(n => n.Path).Order());

        // Putting the original literals back gives the original file, byte for byte.
        var original = Encoding.UTF8.GetBytes(Settings);
        var originalLiterals = JsonDocumentScanner.Scan(original).Where(n => Plaintexts.ContainsKey(n.Path)).ToDictionary(n => n.Path, n => original[n.Start..n.End]);
        Assert.Equal(original, JsonSplicer.Splice(updated, encrypted.Select(n => (n, originalLiterals[n.Path]))));

        // One batch; each value bound to its key in its payload, all under one shared data key: the real client
        // decrypts everything with one remote call, which unwraps that one key once.
        var ciphertexts = encrypted.Select(n => n.StringValue!["kamus:".Length..]).ToList();
        var parsed = ciphertexts.Select(CiphertextParser.Parse).ToList();
        Assert.All(parsed, p => Assert.Equal(CiphertextFormat.V2Envelope, p.Format));
        Assert.Single(parsed.Select(p => p.WrappedKey).Distinct());
        Assert.All(encrypted, n => Assert.Equal(KamusContext.ForConfigurationKey(n.Path), KamusContext.Of(n.StringValue!["kamus:".Length..])));
        server.Host.ResetCounts();
        using var calls = new Kamus.Testing.Metrics.KeyProviderCalls(server.Host);
        using var client = server.CreateDecryptingClient();
        var outcomes = await client.DecryptManyAsync(ciphertexts, [.. encrypted.Select(n => KamusContext.ForConfigurationKey(n.Path))], CancellationToken.None);
        Assert.Equal(encrypted.Select(n => Plaintexts[n.Path]), outcomes.Select(o => o.Plaintext));
        Assert.Equal(1, server.Host.RequestCount("/api/v2/decrypt"));
        Assert.Equal(0, server.Host.RequestCount("/api/v1/decrypt"));
        Assert.Equal(1, calls.Unwraps);
    }

    [Fact]
    public async Task A_value_moved_to_another_key_no_longer_decrypts_and_the_unmoved_ones_still_do()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("appsettings.json", Settings);
        Assert.Equal(ExitCodes.Ok, (await Run(path, "-k", "ConnectionStrings:*", "-k", "Smtp:Password")).ExitCode);
        var values = JsonDocumentScanner.Scan(await File.ReadAllBytesAsync(path)).Where(n => n.IsString && n.StringValue!.StartsWith("kamus:", StringComparison.Ordinal)).ToDictionary(n => n.Path, n => n.StringValue!["kamus:".Length..]);

        // The audit password swapped into the SMTP password's key (key swapping), a copy of the orders one read under
        // the audit key, the orders one under its own key in another case, and one read without naming a key.
        using var client = server.CreateDecryptingClient();
        var outcomes = await client.DecryptManyAsync(
            [values["ConnectionStrings:Audit"], values["ConnectionStrings:Orders"], values["ConnectionStrings:Orders"], values["Smtp:Password"]],
            [KamusContext.ForConfigurationKey("Smtp:Password"), KamusContext.ForConfigurationKey("connectionstrings:orders"), KamusContext.ForConfigurationKey("ConnectionStrings:Audit"), null], CancellationToken.None);

        Assert.Equal(KamusErrorKind.InvalidCiphertext, outcomes[0].ErrorKind);
        Assert.Equal(Plaintexts["ConnectionStrings:Orders"], outcomes[1].Plaintext);
        Assert.Equal(KamusErrorKind.InvalidCiphertext, outcomes[2].ErrorKind);
        Assert.Contains("bound to config:ConnectionStrings:Orders", outcomes[2].Error!.Message, StringComparison.Ordinal);
        Assert.Equal("mail-secret", outcomes[3].Plaintext);
    }

    [Fact]
    public async Task No_bind_writes_unbound_values_that_decrypt_anywhere()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("appsettings.json", Settings);

        Assert.Equal(ExitCodes.Ok, (await Run(path, "-k", "Smtp:Password", "--no-bind")).ExitCode);

        var value = JsonDocumentScanner.Scan(await File.ReadAllBytesAsync(path)).Single(n => n.Path == "Smtp:Password").StringValue!["kamus:".Length..];
        Assert.StartsWith("k2e.", value, StringComparison.Ordinal);
        using var client = server.CreateDecryptingClient();
        Assert.Equal("mail-secret", await client.DecryptAsync(value));
    }

    // --no-bind until AddKamus names each value's configuration key when decrypting (IKamusClient.DecryptManyAsync's contexts).
    [Fact]
    public async Task AddKamus_reads_the_encrypted_file_with_one_unwrap_call()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("appsettings.json", Settings);
        var result = await Run(path, "-k", "ConnectionStrings:*", "-k", "Smtp:Password", "-k", "Services:*:ApiKey", "--no-bind");
        server.Host.ResetCounts();

        var configuration = new ConfigurationBuilder()
            .AddJsonFile(path)
            .AddKamus(options =>
            {
                options.Url = server.Url;
                options.TokenSource = new StaticTokenSource(CliServerFixture.OrdersToken);
            })
            .Build();

        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        Assert.All(Plaintexts, p => Assert.Equal(p.Value, configuration[p.Key]));
        Assert.Equal("mail.local", configuration["Smtp:Host"]);
        Assert.Equal(1, server.Host.RequestCount("/api/v2/decrypt"));
        (configuration as IDisposable)?.Dispose();
    }

    [Fact]
    public async Task Re_running_changes_nothing_and_calls_no_server()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("appsettings.json", Settings);
        var first = await Run(path, "-k", "ConnectionStrings:*");
        var once = await File.ReadAllBytesAsync(path);
        server.Host.ResetCounts();

        var again = await Run(path, "-k", "ConnectionStrings:*");
        var dryRun = await Run(path, "-k", "ConnectionStrings:*", "--dry-run");

        Assert.Equal(ExitCodes.Ok, first.ExitCode);
        Assert.Equal(ExitCodes.Ok, again.ExitCode);
        Assert.Equal(once, await File.ReadAllBytesAsync(path));
        Assert.Equal(0, server.Host.RequestCount("/api/v2/encrypt"));
        Assert.Empty(dryRun.Stdout);
    }

    [Fact]
    public async Task Adding_a_key_later_encrypts_only_the_new_value()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("appsettings.json", Settings);
        await Run(path, "-k", "ConnectionStrings:*");
        var before = JsonDocumentScanner.Scan(await File.ReadAllBytesAsync(path)).Where(n => n.IsString).ToDictionary(n => n.Path, n => n.StringValue);

        var dryRun = await Run(path, "-k", "ConnectionStrings:*", "-k", "Smtp:Password", "--dry-run");
        var result = await Run(path, "-k", "ConnectionStrings:*", "-k", "Smtp:Password");

        Assert.Equal("Smtp:Password", dryRun.Stdout.Trim());
        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        var after = JsonDocumentScanner.Scan(await File.ReadAllBytesAsync(path)).Where(n => n.IsString).ToDictionary(n => n.Path, n => n.StringValue);
        Assert.Equal(before["ConnectionStrings:Orders"], after["ConnectionStrings:Orders"]);
        Assert.StartsWith("kamus:", after["Smtp:Password"], StringComparison.Ordinal);
    }

    public static TheoryData<string, string[], int, string> BadInputs() => new()
    {
        { "missing file", ["encrypt-json", "{dir}/missing.json", "-k", "A"], ExitCodes.Input, "does not exist" },
        { "invalid JSON", ["encrypt-json", "{bad}", "-k", "A"], ExitCodes.Input, "not valid JSON (line 2" },
        { "missing key", ["encrypt-json", "{file}", "-k", "ConnectionStrings:Billing"], ExitCodes.Input, "key 'ConnectionStrings:Billing' does not exist" },
        { "default account", ["encrypt-json", "{file}", "-k", "Smtp:Password", "-a", "default"], ExitCodes.Usage, "'default' service account" },
        { "unreachable server", ["encrypt-json", "{file}", "-k", "Smtp:Password", "-u", "{closed}"], ExitCodes.Unreachable, "Unavailable" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task Bad_input_gives_one_clear_line_a_non_zero_exit_and_an_unchanged_file(string name, string[] args, int exitCode, string message)
    {
        using var dir = new TempDirectory();
        var file = dir.Write("appsettings.json", Settings);
        var bad = dir.Write("bad.json", "{\n  \"A\": secret-value\n}");
        var closed = EncryptEndToEndTests.ClosedPortUrl();
        var resolved = args.Select(a => a.Replace("{dir}", dir.Path, StringComparison.Ordinal).Replace("{file}", file, StringComparison.Ordinal).Replace("{bad}", bad, StringComparison.Ordinal).Replace("{closed}", closed, StringComparison.Ordinal)).ToList();
        if (!resolved.Contains("-a"))
        {
            resolved.AddRange(["-a", CliServerFixture.ServiceAccount]);
        }

        if (!resolved.Contains("-u"))
        {
            resolved.AddRange(["-u", server.Url.ToString()]);
        }

        var result = await KamusTool.RunAsync([.. resolved, "-n", CliServerFixture.Namespace]);

        Assert.True(exitCode == result.ExitCode, $"{name}: {result}");
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("kamus: error: ", line, StringComparison.Ordinal);
        Assert.Contains(message, line, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-value", line, StringComparison.Ordinal);
        Assert.DoesNotContain("mail-secret", line, StringComparison.Ordinal);
        Assert.Equal(Settings, Encoding.UTF8.GetString(await File.ReadAllBytesAsync(file)));
        Assert.Equal(["appsettings.json", "bad.json"], dir.Names());
    }

    private Task<CliResult> Run(string path, params string[] more) =>
        KamusTool.RunAsync(["encrypt-json", path, "-a", CliServerFixture.ServiceAccount, "-n", CliServerFixture.Namespace, "-u", server.Url.ToString(), .. more]);
}
