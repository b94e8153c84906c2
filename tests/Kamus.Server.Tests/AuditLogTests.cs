using System.Net;
using Kamus.Testing;

namespace Kamus.Server.Tests;

public sealed class AuditLogTests
{
    [Fact]
    public async Task Every_request_gets_one_audit_line_with_identity_outcome_and_fingerprint_and_no_secret_anywhere_in_the_logs()
    {
        const string Plaintext = "Audit-Plaintext-Secret";
        const string Token = "Audit-Token-Secret";
        await using var host = await KamusServerHost.StartAsync();
        host.StandIn.AddToken(Token, "ns-a", "sa1");
        var api = new RawKamusApi(host.CreateHttpClient());

        var ciphertext = await api.EncryptOkAsync(Plaintext, "sa1", "ns-a");
        Assert.Equal((HttpStatusCode.OK, Plaintext), await api.DecryptTextAsync(Token, ciphertext));
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.DecryptTextAsync(Token + "-wrong", ciphertext)).Status);
        Assert.Equal(HttpStatusCode.OK, (await api.DecryptManyAsync(Token, [ciphertext, "garbage"])).StatusCode);

        var lines = host.AuditLines();
        Assert.Equal(4, lines.Count);
        var fingerprint = Kamus.Wire.Formats.CiphertextFingerprint.Of(ciphertext);
        Assert.Contains("action=encrypt identity=ns-a:sa1 status=200", lines[0], StringComparison.Ordinal);
        Assert.Contains(fingerprint, lines[0], StringComparison.Ordinal);
        Assert.Contains("action=decrypt identity=ns-a:sa1 status=200 outcome=ok fingerprint=" + fingerprint, lines[1], StringComparison.Ordinal);
        Assert.Contains("status=401", lines[2], StringComparison.Ordinal);
        Assert.Contains("action=decrypt-batch identity=ns-a:sa1 status=200 outcome=ok items=2 failed=1", lines[3], StringComparison.Ordinal);
        Assert.All(lines, l => Assert.Contains("source=127.0.0.1", l, StringComparison.Ordinal));
        Assert.All(lines, l => Assert.Matches(@"time=\d{4}-\d\d-\d\dT", l));

        foreach (var record in host.Logs.GetSnapshot())
        {
            var text = record.Message + " " + record.Exception;
            Assert.DoesNotContain(Plaintext, text, StringComparison.Ordinal);
            Assert.DoesNotContain(Token, text, StringComparison.Ordinal);
            Assert.DoesNotContain(ciphertext, text, StringComparison.Ordinal);
            Assert.DoesNotContain(KamusServerHost.CompatMasterKey, text, StringComparison.Ordinal);
        }
    }
}
