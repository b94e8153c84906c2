using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Kamus.Cli;
using Kamus.Client;
using Kamus.Client.Offline;
using Kamus.Client.Tokens;
using Kamus.KeyManagement.Aes;
using Kamus.KeyManagement.Offline;
using Kamus.Reliability.Tests.Support;
using Kamus.Testing;
using Kamus.Wire.Identity;

namespace Kamus.Reliability.Tests.Leaks;

/// <summary>
/// Offline encryption end to end at Trace (server, client library, CLI), through successes and refusals: no plaintext,
/// token, unwrapped seed, unwrapped signing key or account private key may appear in logs, outputs, exception texts,
/// <c>ToString()</c>s or the files it writes (the statement and the encrypted settings).
/// </summary>
[Collection(SerialTests.Name)]
public sealed class OfflineLeakTests(ITestOutputHelper output) : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("kamus-offline-leak-");
    private readonly List<string> _texts = [];

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public async Task Offline_encryption_leaves_no_plaintext_token_seed_or_private_key_anywhere()
    {
        var secrets = OfflineKeys.Generate();
        var plaintexts = new[] { "CANARY-offline-" + Guid.NewGuid().ToString("N"), "CANARY-json-" + Guid.NewGuid().ToString("N") };
        const string Token = "CANARY-offline-token-0123456789abcdef";
        const string OtherToken = "CANARY-offline-other-token-0123456789";
        var canaries = new Canaries();
        foreach (var (text, i) in plaintexts.Concat([Token, OtherToken]).Select((t, i) => (t, i)))
        {
            canaries.AddText($"secret {i}", text);
        }

        await AddKeyCanariesAsync(canaries, secrets);

        await using var server = await KamusServerHost.StartAsync(o => o.UseOfflineKeys(secrets: secrets));
        server.StandIn.AddToken(Token, "leak", "app");
        server.StandIn.AddToken(OtherToken, "leak", "other");
        var pin = OfflineKeys.SignerFingerprint(server);
        var statementFile = Path.Combine(_folder.FullName, "key.json");
        var settings = Path.Combine(_folder.FullName, "appsettings.json");
        await File.WriteAllTextAsync(settings, $$"""{ "Db": { "Password": "{{plaintexts[1]}}" } }""");

        await Cli(["publickey", "fetch", "-a", "app", "-n", "leak", "-u", server.Url.ToString(), "-o", statementFile]);
        var single = await Cli(["encrypt", "-a", "app", "-n", "leak", "--public-key", statementFile, "--signer-fingerprint", pin], plaintexts[0]);
        await Cli(["encrypt-json", settings, "-a", "app", "-n", "leak", "-k", "Db:Password", "--public-key", statementFile, "--signer-fingerprint", pin]);
        await Cli(["encrypt", "-a", "app", "-n", "leak", "--public-key", statementFile, "--signer-fingerprint", new string('c', 64)], plaintexts[0]);
        await Cli(["encrypt", "-a", "other", "-n", "leak", "--public-key", statementFile], plaintexts[0]);

        var ciphertext = single.Trim();
        var tampered = ciphertext[..^2] + (ciphertext[^2] == 'A' ? 'B' : 'A') + ciphertext[^1];
        foreach (var token in new[] { Token, OtherToken })
        {
            using var client = new KamusClient(new KamusClientOptions { Url = server.Url, TokenSource = new StaticTokenSource(token) });
            var outcomes = await client.DecryptManyAsync([ciphertext, tampered]);
            _texts.AddRange(outcomes.Select(o => o.Succeeded ? "ok" : o.Error!.ToString()));
            await DecryptV1Async(server, token, tampered);
        }

        var statement = KamusPublicKeyStatement.Parse(await File.ReadAllTextAsync(statementFile));
        using (var encryptor = KamusOfflineEncryptor.Create(statement, "leak", "app", pin))
        {
            _texts.Add(encryptor.ToString());
            _texts.Add(statement.ToString());
        }

        var findings = new List<string>();
        var logs = string.Join('\n', server.Logs.GetSnapshot().Select(r => $"{r.Level} {r.Category} {r.Message} {r.Exception}"));
        findings.AddRange(canaries.FindIn("server logs", logs));
        findings.AddRange(canaries.FindIn("outputs, errors and ToString()s", string.Join('\n', _texts)));
        foreach (var file in _folder.GetFiles())
        {
            findings.AddRange(canaries.FindIn(file.Name, await File.ReadAllTextAsync(file.FullName)));
        }

        Figures.Record(output, "offline leak scan at Trace", $"{canaries.Count} canary forms; {server.Logs.Count} log records, {_texts.Count} texts, {_folder.GetFiles().Length} files; findings {findings.Count}");
        Assert.Contains(server.AuditLines(), l => l.Contains("action=publickey", StringComparison.Ordinal));
        Assert.Contains(_texts, t => t.Contains("not the pinned one", StringComparison.Ordinal));
        Assert.Empty(findings);
    }

    // The secrets behind the wrapped settings, and the account's private key: the server must never show any of them.
    private async Task AddKeyCanariesAsync(Canaries canaries, (string Seed, string SigningKey) secrets)
    {
        using var ring = new AesKeyRing("k0", new Dictionary<string, byte[]> { ["k0"] = Convert.FromBase64String(KamusServerHost.CompatMasterKey) });
        canaries.AddBytes("seed", await OfflineSecret.UnwrapAsync(ring, OfflineSecret.SeedPurpose, secrets.Seed, "seed"));
        canaries.AddBytes("signing key", await OfflineSecret.UnwrapAsync(ring, OfflineSecret.SigningKeyPurpose, secrets.SigningKey, "signing key"));
        using var offline = await OfflineKeyRing.LoadAsync(new OfflineKeyOptions { Seed = secrets.Seed, SigningKey = secrets.SigningKey }, ring, developmentKey: null);
        using var pair = offline!.DeriveKeyPair(new ServiceAccountIdentity("leak", "app"), 1);
        canaries.AddBytes("account private key", pair.ExportScalar());
        _texts.Add(offline.ToString());
        _texts.Add(pair.ToString());
    }

    private async Task<string> Cli(string[] args, string stdin = "")
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        await KamusCli.RunAsync(args, new StringReader(stdin), stdout, stderr, new CliEnvironment());
        _texts.Add(stdout.ToString());
        _texts.Add(stderr.ToString());
        return stdout.ToString();
    }

    private async Task DecryptV1Async(KamusServerHost server, string token, string ciphertext)
    {
        using var http = server.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/decrypt")
        {
            Content = new StringContent(new JsonObject { ["data"] = ciphertext }.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        _texts.Add(await response.Content.ReadAsStringAsync());
    }
}
