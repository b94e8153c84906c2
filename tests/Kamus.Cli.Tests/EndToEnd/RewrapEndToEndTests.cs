using System.Text;
using Kamus.Cli.Json;
using Kamus.Cli.Tests.Support;
using Kamus.Testing;
using Kamus.Wire.Crypto;
using Kamus.Wire.Formats;
using Kamus.Wire.Identity;

namespace Kamus.Cli.Tests.EndToEnd;

/// <summary>
/// <c>kamus rewrap</c> against the real Kamus.Server on loopback: upstream AES values (made here the upstream way, with
/// the server's master key) move to the server's v2 envelopes, in place, byte for byte apart from the values.
/// </summary>
[Collection(KamusServerTests.Name)]
public sealed class RewrapEndToEndTests(CliServerFixture server)
{
    private static readonly ServiceAccountIdentity Orders = new(CliServerFixture.Namespace, CliServerFixture.ServiceAccount);

    [Fact]
    public async Task A_file_of_upstream_values_moves_to_v2_in_one_call_keeping_every_other_byte()
    {
        using var dir = new TempDirectory();
        var (db, smtp) = (Upstream("Server=db;Password=ünï©ødé"), Upstream("mail-secret"));
        var settings = $"\uFEFF// orders-api\r\n{{\r\n  \"ConnectionStrings\": {{ \"Orders\": \"kamus:{db}\", /* keep */ }},\r\n  \"Smtp\": {{ \"Password\": \"kamus:{smtp}\", \"Again\": \"kamus:{smtp}\", \"Host\": \"mail.local\" }}\r\n}}\r\n";
        var path = dir.Write("appsettings.json", settings);
        server.Host.ResetCounts();

        var result = await Run(dir, "--file", path);

        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        Assert.Equal(1, server.Host.RequestCount("/api/v2/rewrap"));
        var updated = await File.ReadAllBytesAsync(path);
        var values = JsonDocumentScanner.Scan(updated).Where(n => n.IsString && n.StringValue!.StartsWith("kamus:", StringComparison.Ordinal)).ToList();
        Assert.Equal(["ConnectionStrings:Orders", "Smtp:Password", "Smtp:Again"], values.Select(n => n.Path));
        Assert.All(values, n => Assert.Equal(CiphertextFormat.V2Envelope, CiphertextParser.Parse(n.StringValue!["kamus:".Length..]).Format));

        // Putting the original literals back gives the original file, byte for byte.
        var original = Encoding.UTF8.GetBytes(settings);
        var literals = JsonDocumentScanner.Scan(original).Where(n => n.IsString).ToDictionary(n => n.Path, n => original[n.Start..n.End]);
        Assert.Equal(original, JsonSplicer.Splice(updated, values.Select(n => (n, literals[n.Path]))));

        using var client = server.CreateDecryptingClient();
        var outcomes = await client.DecryptManyAsync([.. values.Select(n => n.StringValue!["kamus:".Length..])]);
        Assert.Equal(["Server=db;Password=ünï©ødé", "mail-secret", "mail-secret"], outcomes.Select(o => o.Plaintext));
        Assert.DoesNotContain("mail-secret", result.Stdout + result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_value_of_another_account_refuses_the_whole_file_naming_the_key_and_leaves_it_unchanged()
    {
        using var dir = new TempDirectory();
        var billing = Upstream("billing-secret", new ServiceAccountIdentity(CliServerFixture.Namespace, "billing"));
        var settings = $"{{ \"Mine\": \"kamus:{Upstream("mine")}\", \"Theirs\": \"kamus:{billing}\" }}";
        var path = dir.Write("appsettings.json", settings);

        var result = await Run(dir, "--file", path);

        Assert.Equal(ExitCodes.ServerRefused, result.ExitCode);
        Assert.Contains("Theirs (", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Forbidden", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Mine (", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(settings, await File.ReadAllTextAsync(path));
        Assert.Equal(["appsettings.json", "token"], dir.Names());
    }

    [Fact]
    public async Task One_value_is_rewrapped_to_standard_output_keeping_its_marker()
    {
        using var dir = new TempDirectory();

        var result = await Run(dir, "kamus:" + Upstream("one value"));

        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        var output = result.Stdout.Trim();
        Assert.StartsWith("kamus:k2", output, StringComparison.Ordinal);
        using var client = server.CreateDecryptingClient();
        Assert.Equal("one value", await client.DecryptAsync(output["kamus:".Length..]));
    }

    [Fact]
    public async Task Without_the_accounts_own_token_the_server_refuses()
    {
        using var dir = new TempDirectory();

        var result = await Run(dir, Upstream("one value"), token: CliServerFixture.BillingToken);

        Assert.Equal(ExitCodes.ServerRefused, result.ExitCode);
        Assert.Contains("HTTP 403", result.Stderr, StringComparison.Ordinal);
    }

    // An upstream AESKey value (UseKeyDeriviation=true) for the identity, made with the test server's master key.
    private static string Upstream(string plaintext, ServiceAccountIdentity? identity = null)
    {
        var key = KeyDerivation.DeriveUpstreamKey(Convert.FromBase64String(KamusServerHost.CompatMasterKey), identity ?? Orders);
        var (iv, ciphertext) = AesCbc.Encrypt(key, Encoding.UTF8.GetBytes(plaintext));
        return UpstreamLayout.FormatAes(iv, ciphertext);
    }

    private Task<CliResult> Run(TempDirectory dir, string target, string? path = null, string token = CliServerFixture.OrdersToken)
    {
        var tokenFile = dir.Write("token", token);
        string[] args = path is null ? ["rewrap", target] : ["rewrap", target, path];
        return KamusTool.RunAsync([.. args, "-a", CliServerFixture.ServiceAccount, "-n", CliServerFixture.Namespace, "-u", server.Url.ToString(), "--token-file", tokenFile]);
    }
}
