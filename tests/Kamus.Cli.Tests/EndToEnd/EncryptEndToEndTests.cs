using Kamus.Cli.Tests.Support;
using Kamus.Client;
using Kamus.Testing;
using Kamus.Wire.Formats;

namespace Kamus.Cli.Tests.EndToEnd;

/// <summary><c>kamus encrypt</c> and <c>kamus decrypt</c> against the real Kamus.Server on loopback.</summary>
[Collection(KamusServerTests.Name)]
public sealed class EncryptEndToEndTests(CliServerFixture server)
{
    private string[] Target => ["-a", CliServerFixture.ServiceAccount, "-n", CliServerFixture.Namespace, "-u", server.Url.ToString()];

    [Fact]
    public async Task The_upstream_flag_set_works_and_the_ciphertext_decrypts_for_the_service_account()
    {
        using var dir = new TempDirectory();
        var secretFile = dir.Write("secret.txt", "from-a-file\n");
        var output = dir.File("secret.enc");
        await File.WriteAllTextAsync(output, "old");

        var result = await KamusTool.RunAsync(
        [
            "encrypt", "--secret-file", secretFile, "--secret-file-encoding", "utf8",
            "--service-account", CliServerFixture.ServiceAccount, "--namespace", CliServerFixture.Namespace,
            "--kamus-url", server.Url.ToString(), "--allow-insecure-url",
            "--output", output, "--overwrite", "--ignore-new-line",
            "--auth-tenant", "t", "--auth-application", "a", "--auth-resource", "r",
        ]);
        var shortFlags = await KamusTool.RunAsync(["encrypt", "-s", "short-flags", .. Target, "-o", dir.File("short.enc"), "-O", "-i"]);

        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        Assert.Equal(ExitCodes.Ok, shortFlags.ExitCode);
        using var client = server.CreateDecryptingClient();
        Assert.Equal("from-a-file\n", await client.DecryptAsync(await File.ReadAllTextAsync(output)));
        Assert.Equal("short-flags", await client.DecryptAsync(await File.ReadAllTextAsync(dir.File("short.enc"))));
    }

    [Fact]
    public async Task Stdout_is_only_the_ciphertext()
    {
        var result = await KamusTool.RunAsync(["encrypt", .. Target], stdin: "piped-secret");

        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        var ciphertext = result.Stdout.TrimEnd('\n');
        Assert.DoesNotContain('\n', ciphertext);
        Assert.True(CiphertextParser.TryParse(ciphertext, out _, out _));
        using var client = server.CreateDecryptingClient();
        Assert.Equal("piped-secret", await client.DecryptAsync(ciphertext));
        Assert.Empty(result.Stderr);
    }

    [Fact]
    public async Task Another_service_account_cannot_decrypt_it_and_decrypt_says_so_in_one_line()
    {
        var encrypted = await KamusTool.RunAsync(["encrypt", .. Target], stdin: "orders-only");
        using var dir = new TempDirectory();
        var billingToken = dir.Write("token", CliServerFixture.BillingToken);
        var ordersToken = dir.Write("orders-token", CliServerFixture.OrdersToken);
        var ciphertext = "kamus:" + encrypted.Stdout.Trim();

        var refused = await KamusTool.RunAsync(["decrypt", ciphertext, "-u", server.Url.ToString(), "--token-file", billingToken]);
        var summary = await KamusTool.RunAsync(["decrypt", "-u", server.Url.ToString(), "--token-file", ordersToken], stdin: ciphertext + "\n");
        var shown = await KamusTool.RunAsync(["decrypt", ciphertext, "-u", server.Url.ToString(), "--token-file", ordersToken, "--show-plaintext"]);

        Assert.Equal(ExitCodes.ServerRefused, refused.ExitCode);
        Assert.Single(refused.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("Forbidden", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("re-encrypt it for this pod's namespace and service account (kamus encrypt -n <namespace> -a <service-account>)", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains($"(server {server.Url})", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Ok, summary.ExitCode);
        // The length only: an unsalted hash of a short secret would let anyone who sees the output test guesses offline.
        Assert.Equal("length 11", summary.Stdout.Trim());
        Assert.DoesNotContain(CiphertextFingerprint.Of("orders-only"), summary.Stdout + summary.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("orders-only", summary.Stdout + summary.Stderr, StringComparison.Ordinal);
        Assert.Equal("orders-only", shown.Stdout.TrimEnd('\n'));
    }

    [Fact]
    public async Task Decrypt_with_key_opens_a_value_bound_to_that_key_and_refuses_a_moved_one_unsent()
    {
        using var writer = server.CreateDecryptingClient();
        var bound = (await writer.EncryptManyAsync(
            CliServerFixture.ServiceAccount,
            CliServerFixture.Namespace,
            new Dictionary<string, string> { ["db"] = "bound-secret" },
            new Dictionary<string, string> { ["db"] = KamusContext.ForConfigurationKey("Db:Password") },
            CancellationToken.None))["db"];
        using var dir = new TempDirectory();
        var token = dir.Write("token", CliServerFixture.OrdersToken);
        string[] decrypt = ["decrypt", "kamus:" + bound, "-u", server.Url.ToString(), "--token-file", token];

        var right = await KamusTool.RunAsync([.. decrypt, "--key", "db:password"]);
        server.Host.ResetCounts();
        var moved = await KamusTool.RunAsync([.. decrypt, "--key", "Api:Key"]);

        Assert.Equal(ExitCodes.Ok, right.ExitCode);
        Assert.Equal("length 12", right.Stdout.Trim());
        Assert.Equal(ExitCodes.ServerRefused, moved.ExitCode);
        Assert.Contains("bound to config:Db:Password, not to config:Api:Key", moved.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, server.Host.RequestCount("/api/v2/decrypt") + server.Host.RequestCount("/api/v1/decrypt"));
        Assert.DoesNotContain("bound-secret", right.Stdout + right.Stderr + moved.Stdout + moved.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bearer_token_from_the_environment_is_sent_to_the_encryptor()
    {
        var result = await KamusTool.RunAsync(["encrypt", .. Target], stdin: "x", variables: new Dictionary<string, string> { ["KAMUS_TOKEN"] = "encryptor-token" });

        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        Assert.Equal("Bearer encryptor-token", server.LastEncryptAuthorization);
        Assert.DoesNotContain("encryptor-token", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_secret_is_encrypted_with_a_warning_as_upstream_allows()
    {
        using var dir = new TempDirectory();
        var empty = dir.Write("empty.txt", string.Empty);

        var fromStdin = await KamusTool.RunAsync(["encrypt", .. Target], stdin: string.Empty);
        var fromFile = await KamusTool.RunAsync(["encrypt", .. Target, "-f", empty]);

        using var client = server.CreateDecryptingClient();
        Assert.Equal(ExitCodes.Ok, fromStdin.ExitCode);
        Assert.Contains("empty", fromStdin.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, await client.DecryptAsync(fromStdin.Stdout.Trim()));
        Assert.Equal(ExitCodes.Ok, fromFile.ExitCode);
        Assert.Equal(string.Empty, await client.DecryptAsync(fromFile.Stdout.Trim()));
    }

    [Fact]
    public async Task The_default_service_account_is_refused_before_anything_is_sent()
    {
        var result = await KamusTool.RunAsync(["encrypt", "-a", "default", "-n", CliServerFixture.Namespace, "-u", server.Url.ToString()], stdin: "x");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("'default' service account", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public async Task An_unreachable_server_is_exit_code_4_in_one_line()
    {
        var result = await KamusTool.RunAsync(["encrypt", "-a", CliServerFixture.ServiceAccount, "-n", CliServerFixture.Namespace, "-u", ClosedPortUrl()], stdin: "x");

        Assert.Equal(ExitCodes.Unreachable, result.ExitCode);
        Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(nameof(KamusErrorKind.Unavailable), result.Stderr, StringComparison.Ordinal);
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public async Task The_built_tool_works_as_a_process_in_command_substitution()
    {
        var result = await ToolProcess.RunAsync(["encrypt", .. Target], stdin: "process-secret");

        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        using var client = server.CreateDecryptingClient();
        Assert.Equal("process-secret", await client.DecryptAsync(result.Stdout.Trim()));
        Assert.Empty(result.Stderr);
    }

    internal static string ClosedPortUrl() => $"http://127.0.0.1:{Kamus.Testing.LoopbackPort.Unused()}/";
}
