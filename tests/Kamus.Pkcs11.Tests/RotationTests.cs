using System.Net;
using Kamus.KeyManagement.Pkcs11;
using Kamus.Server;
using Kamus.Testing;

namespace Kamus.Pkcs11.Tests;

[Collection(SoftHsmGroup.Name)]
public sealed class RotationTests(SoftHsmFixture hsm)
{
    [SoftHsmFact]
    public async Task A_second_token_key_becomes_current_while_values_of_the_first_still_decrypt()
    {
        string oldValue, oldEnvelope;
        await using (var before = await HsmServer.StartAsync(hsm))
        {
            oldValue = await before.Api.EncryptOkAsync("made-under-k1", "sa1", "ns-a");
            oldEnvelope = (await before.Api.EncryptManyOkAsync("sa1", "ns-a", new Dictionary<string, string> { ["a"] = "env-under-k1" }))["a"];
        }

        // The admin command, as an operator would run it (PIN from a file, settings as arguments).
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = AdminCommands.TryRun(
        [
            Pkcs11AdminCommand.GenerateKey,
            "--label", "k2",
            $"--KeyManagement:Pkcs11:ModulePath={hsm.ModulePath}",
            $"--KeyManagement:Pkcs11:TokenLabel={SoftHsmFixture.Token}",
            $"--KeyManagement:Pkcs11:PinFile={hsm.PinFile}",
        ], output, error);
        Assert.True(exit == 0, error.ToString());
        Assert.Contains("k2", output.ToString(), StringComparison.Ordinal);

        await using var after = await HsmServer.StartAsync(hsm, currentKey: "k2");
        var newValue = await after.Api.EncryptOkAsync("made-under-k2", "sa1", "ns-a");
        var newEnvelope = (await after.Api.EncryptManyOkAsync("sa1", "ns-a", new Dictionary<string, string> { ["a"] = "env-under-k2" }))["a"];

        Assert.StartsWith("k2.k1.", oldValue, StringComparison.Ordinal);
        Assert.StartsWith("k2.k2.", newValue, StringComparison.Ordinal);
        Assert.StartsWith("k2e.k2.", newEnvelope, StringComparison.Ordinal);
        var results = await after.Api.DecryptManyOkAsync(HsmServer.TokenA1, [oldValue, oldEnvelope, newValue, newEnvelope]);
        Assert.Equal(["made-under-k1", "env-under-k1", "made-under-k2", "env-under-k2"], results.Select(r => r.Plaintext));

        // A key id names one key: a k1 value relabelled k2 does not open.
        var relabelled = "k2.k2." + oldValue["k2.k1.".Length..];
        Assert.Equal(HttpStatusCode.Forbidden, (await after.Api.DecryptTextAsync(HsmServer.TokenA1, relabelled)).Status);

        // Generating a label twice is refused.
        using var again = new StringWriter();
        Assert.Equal(1, AdminCommands.TryRun([Pkcs11AdminCommand.GenerateKey, "--label", "k2", $"--KeyManagement:Pkcs11:ModulePath={hsm.ModulePath}", $"--KeyManagement:Pkcs11:TokenLabel={SoftHsmFixture.Token}", $"--KeyManagement:Pkcs11:PinFile={hsm.PinFile}"], TextWriter.Null, again));
        Assert.Contains("already holds a key labelled 'k2'", again.ToString(), StringComparison.Ordinal);

        // With an explicit list, keys left out no longer unwrap (their values answer "unknown key id").
        await using var retired = await HsmServer.StartAsync(hsm, currentKey: "k2", configure: o => o.Settings["KeyManagement:Pkcs11:KeyLabels:0"] = "k2");
        Assert.Equal(HttpStatusCode.BadRequest, (await retired.Api.DecryptTextAsync(HsmServer.TokenA1, oldValue)).Status);
        Assert.Equal("made-under-k2", (await retired.Api.DecryptTextAsync(HsmServer.TokenA1, newValue)).Body);
    }

    [SoftHsmFact]
    public async Task The_upstream_key_next_to_the_token_reads_legacy_values_but_never_wraps()
    {
        string legacyValue;
        await using (var aesServer = await KamusServerHost.StartAsync())
        {
            using var http = aesServer.CreateHttpClient();
            legacyValue = await new RawKamusApi(http).EncryptOkAsync("legacy-k0", "sa1", "ns-a");
        }

        await using var server = await HsmServer.StartAsync(hsm, configure: o => o.Settings["KeyManagement:AES:Key"] = KamusServerHost.CompatMasterKey);
        var fresh = await server.Api.EncryptOkAsync("fresh", "sa1", "ns-a");

        Assert.StartsWith("k2.k0.", legacyValue, StringComparison.Ordinal);
        Assert.StartsWith("k2.k1.", fresh, StringComparison.Ordinal);
        Assert.Equal("legacy-k0", (await server.Api.DecryptTextAsync(HsmServer.TokenA1, legacyValue)).Body);
        Assert.Equal(HttpStatusCode.Forbidden, (await server.Api.DecryptTextAsync(HsmServer.TokenA2, legacyValue)).Status);
    }
}
