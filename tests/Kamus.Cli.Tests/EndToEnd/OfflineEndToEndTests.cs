using System.Net;
using System.Net.Sockets;
using Kamus.Cli.Json;
using Kamus.Cli.Tests.Support;
using Kamus.Client;
using Kamus.Client.Tokens;
using Kamus.Configuration;
using Kamus.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;

namespace Kamus.Cli.Tests.EndToEnd;

/// <summary>
/// <c>kamus publickey fetch</c>, then <c>encrypt</c>/<c>encrypt-json --public-key</c> with no server call (a tripwire
/// listener stands where <c>KAMUS_URL</c> points), and the values read back by the real server through <c>AddKamus</c>.
/// </summary>
public sealed class OfflineEndToEndTests(OfflineEndToEndTests.Server server) : IClassFixture<OfflineEndToEndTests.Server>
{
    private const string Namespace = "prod";
    private const string Account = "orders-api";

    [Fact]
    public async Task Fetch_saves_a_checked_statement_and_says_which_signer_to_pin()
    {
        using var dir = new TempDirectory();
        var unpinned = await Fetch(dir.File("unpinned.json"));
        var pinned = await Fetch(dir.File("key.json"), "--signer-fingerprint", server.Pin);

        Assert.Equal(ExitCodes.Ok, unpinned.ExitCode);
        Assert.Contains($"kamus: warning: the statement's signer is not pinned: it is signed by the key with fingerprint {server.Pin}", unpinned.Stderr, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Ok, pinned.ExitCode);
        Assert.DoesNotContain("warning", pinned.Stderr, StringComparison.Ordinal);
        Assert.Contains($"Public key of prod:orders-api: epoch 1, key e1-", pinned.Stderr, StringComparison.Ordinal);
        Assert.Empty(pinned.Stdout);
        Assert.Contains("\"kind\": \"KamusPublicKeyStatement\"", await File.ReadAllTextAsync(dir.File("key.json")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_pin_or_an_expired_statement_is_refused_at_fetch_and_nothing_is_written()
    {
        using var dir = new TempDirectory();
        var wrongPin = await Fetch(dir.File("key.json"), "--signer-fingerprint", new string('b', 64));

        Assert.Equal(ExitCodes.Input, wrongPin.ExitCode);
        Assert.Contains($"is refused: it is signed by the key with fingerprint {server.Pin}, not the pinned one", wrongPin.Stderr, StringComparison.Ordinal);
        Assert.Contains("InvalidPublicKeyStatement", wrongPin.Stderr, StringComparison.Ordinal);

        // A server whose clock is 400 days behind hands out statements that have already expired.
        await using var late = await KamusServerHost.StartAsync(o =>
        {
            o.UseOfflineKeys();
            o.TimeProvider = new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(-400));
        });
        var expired = await KamusTool.RunAsync(["publickey", "fetch", "-a", Account, "-n", Namespace, "-u", late.Url.ToString(), "-o", dir.File("key.json")]);

        Assert.Equal(ExitCodes.Input, expired.ExitCode);
        Assert.Contains("expired at", expired.Stderr, StringComparison.Ordinal);
        Assert.Empty(dir.Names());
    }

    [Fact]
    public async Task Encrypt_and_encrypt_json_work_offline_and_AddKamus_reads_the_values_as_the_bound_account_only()
    {
        using var dir = new TempDirectory();
        Assert.Equal(ExitCodes.Ok, (await Fetch(dir.File("key.json"), "--signer-fingerprint", server.Pin)).ExitCode);
        var settings = dir.Write("appsettings.json", "{\n  \"ConnectionStrings\": { \"Orders\": \"Server=db;Password=offline\" }, // kept\n  \"Smtp\": { \"Password\": \"mail-offline\" }\n}\n");
        using var tripwire = new Tripwire();
        var offline = new Dictionary<string, string> { ["KAMUS_URL"] = tripwire.Url, [Service.PublicKeyOptions.SignerFingerprintVariable] = server.Pin };

        var single = await KamusTool.RunAsync(["encrypt", "-a", Account, "-n", Namespace, "--public-key", dir.File("key.json")], stdin: "single-offline", variables: offline);
        var json = await KamusTool.RunAsync(["encrypt-json", settings, "-a", Account, "-n", Namespace, "-k", "ConnectionStrings:*", "-k", "Smtp:Password", "--public-key", dir.File("key.json")], variables: offline);

        Assert.Equal(ExitCodes.Ok, single.ExitCode);
        Assert.Equal(ExitCodes.Ok, json.ExitCode);
        Assert.DoesNotContain("warning", single.Stderr + json.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, tripwire.Connections);
        Assert.StartsWith("k2h.", single.Stdout.Trim(), StringComparison.Ordinal);
        Assert.Contains("// kept", await File.ReadAllTextAsync(settings), StringComparison.Ordinal);
        var values = JsonDocumentScanner.Scan(await File.ReadAllBytesAsync(settings)).Where(n => n.IsString).ToDictionary(n => n.Path, n => n.StringValue!);
        Assert.All(values.Values, v => Assert.StartsWith("kamus:k2h.", v, StringComparison.Ordinal));

        var configuration = new ConfigurationBuilder().AddJsonFile(settings).AddKamus(Reader(Server.OrdersToken)).Build();
        Assert.Equal("Server=db;Password=offline", configuration["ConnectionStrings:Orders"]);
        Assert.Equal("mail-offline", configuration["Smtp:Password"]);
        using var client = new KamusClient(new KamusClientOptions { Url = server.Host.Url, TokenSource = new StaticTokenSource(Server.OrdersToken) });
        Assert.Equal("single-offline", await client.DecryptAsync(single.Stdout.Trim()));

        var refused = Assert.Throws<KamusConfigurationException>(() => new ConfigurationBuilder().AddJsonFile(settings).AddKamus(Reader(Server.BillingToken)).Build());
        Assert.Contains("ConnectionStrings:Orders: Forbidden", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tampered_statement_another_accounts_statement_and_a_server_url_with_a_statement_are_refused()
    {
        using var dir = new TempDirectory();
        Assert.Equal(ExitCodes.Ok, (await Fetch(dir.File("key.json"))).ExitCode);
        var json = await File.ReadAllTextAsync(dir.File("key.json"));
        var notAfter = System.Text.Json.Nodes.JsonNode.Parse(json)!["notAfter"]!.GetValue<string>();
        var tampered = dir.Write("tampered.json", json.Replace(notAfter, "2999-01-01T00:00:00Z", StringComparison.Ordinal));

        var altered = await KamusTool.RunAsync(["encrypt", "-a", Account, "-n", Namespace, "--public-key", tampered], stdin: "x");
        var otherAccount = await KamusTool.RunAsync(["encrypt", "-a", "billing", "-n", Namespace, "--public-key", dir.File("key.json")], stdin: "x");
        var both = await KamusTool.RunAsync(["encrypt", "-a", Account, "-n", Namespace, "--public-key", dir.File("key.json"), "-u", server.Host.Url.ToString()], stdin: "x");
        var missing = await KamusTool.RunAsync(["encrypt", "-a", Account, "-n", Namespace, "--public-key", dir.File("nope.json")], stdin: "x");

        Assert.Equal((ExitCodes.Input, true), (altered.ExitCode, altered.Stderr.Contains("signature does not verify", StringComparison.Ordinal)));
        Assert.Equal((ExitCodes.Input, true), (otherAccount.ExitCode, otherAccount.Stderr.Contains("it is the key of prod:orders-api, not of prod:billing", StringComparison.Ordinal)));
        Assert.Equal((ExitCodes.Usage, true), (both.ExitCode, both.Stderr.Contains("either --public-key", StringComparison.Ordinal)));
        Assert.Equal((ExitCodes.Input, true), (missing.ExitCode, missing.Stderr.Contains("does not exist", StringComparison.Ordinal)));
        Assert.All(new[] { altered, otherAccount, both, missing }, r => Assert.Empty(r.Stdout));
    }

    private Task<CliResult> Fetch(string output, params string[] extra) =>
        KamusTool.RunAsync(["publickey", "fetch", "-a", Account, "-n", Namespace, "-u", server.Host.Url.ToString(), "-o", output, .. extra]);

    private Action<KamusConfigurationOptions> Reader(string token) => options =>
    {
        options.Url = server.Host.Url;
        options.TokenSource = new StaticTokenSource(token);
    };

    /// <summary>The real server with offline keys, and tokens for <c>prod:orders-api</c> and <c>prod:billing</c>.</summary>
    public sealed class Server : IAsyncLifetime
    {
        public const string OrdersToken = "token-offline-orders";
        public const string BillingToken = "token-offline-billing";

        public KamusServerHost Host { get; private set; } = null!;

        /// <summary>The signer fingerprint the server logged at start.</summary>
        public string Pin { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Host = await KamusServerHost.StartAsync(o => o.UseOfflineKeys());
            Host.StandIn.AddToken(OrdersToken, Namespace, Account);
            Host.StandIn.AddToken(BillingToken, Namespace, "billing");
            Pin = OfflineKeys.SignerFingerprint(Host);
        }

        public async Task DisposeAsync() => await Host.DisposeAsync();
    }

    /// <summary>A loopback listener that counts the connections made to it: where a stray server call would land.</summary>
    private sealed class Tripwire : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private int _connections;

        public Tripwire()
        {
            _listener.Start();
            _ = AcceptAsync();
        }

        public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/";

        public int Connections => Volatile.Read(ref _connections);

        public void Dispose() => _listener.Stop();

        private async Task AcceptAsync()
        {
            try
            {
                while (true)
                {
                    using var socket = await _listener.AcceptSocketAsync();
                    Interlocked.Increment(ref _connections);
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Stopped.
            }
        }
    }
}
