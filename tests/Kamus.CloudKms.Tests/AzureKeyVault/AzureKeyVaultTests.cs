using System.Net;
using Kamus.Testing;
using Kamus.Testing.Kms;
using Kamus.Wire.Formats;

namespace Kamus.CloudKms.Tests.AzureKeyVault;

/// <summary>
/// The server under <c>KeyManagement:Provider=AzureKeyVault</c>, through Azure.Identity's client-secret credential and
/// Key Vault's challenge, against the stand-in: upstream's values, its own, cross-account refusal, key creation.
/// </summary>
public sealed class AzureKeyVaultTests(KeyVaultServerFixture fixture) : IClassFixture<KeyVaultServerFixture>
{
    private KeyVaultServer Server => fixture.Server;

    private RawKamusApi Api => Server.Api;

    public static TheoryData<string> UpstreamPlaintexts => new()
    {
        "hunter2",
        "pässwörd ✓ 秘密 🔑",
        new string('x', 214),
        "Server=db;User Id=app;Password=" + new string('p', 300),
        string.Concat(Enumerable.Repeat("日本語のパスワード", 40)),
    };

    [Theory]
    [MemberData(nameof(UpstreamPlaintexts))]
    public async Task Values_made_the_upstream_way_decrypt_for_their_service_account_only(string plaintext)
    {
        using var upstream = new UpstreamKeyVaultWriter(Server.Vault, KeyVaultServer.ClientId, KeyVaultServer.ClientSecret, maximumDataLength: 214);
        var ciphertext = await upstream.EncryptAsync(plaintext, "ns-a", "sa1");
        var expected = plaintext.Length > 214 ? CiphertextFormat.UpstreamEnvelope : CiphertextFormat.UpstreamKms;
        Assert.Equal(expected, CiphertextParser.Parse(ciphertext).Format);

        await GiveTheOtherAccountsKeysAsync();

        Assert.Equal((HttpStatusCode.OK, plaintext), await Api.DecryptTextAsync(KeyVaultServer.TokenA1, ciphertext));
        Assert.Equal([(plaintext, null)], await Api.DecryptManyOkAsync(KeyVaultServer.TokenA1, [ciphertext]));
        Assert.Equal((HttpStatusCode.Forbidden, "forbidden"), await Api.DecryptTextAsync(KeyVaultServer.TokenA2, ciphertext));
        Assert.Equal((HttpStatusCode.Forbidden, "forbidden"), await Api.DecryptTextAsync(KeyVaultServer.TokenB1, ciphertext));
    }

    [Fact]
    public async Task An_upstream_envelope_wrapped_key_alone_answers_the_data_key_for_the_client_fast_path()
    {
        using var upstream = new UpstreamKeyVaultWriter(Server.Vault, KeyVaultServer.ClientId, KeyVaultServer.ClientSecret, maximumDataLength: 4);
        var envelope = CiphertextParser.Parse(await upstream.EncryptAsync("long enough", "ns-a", "sa1"));

        var (status, body) = await Api.DecryptTextAsync(KeyVaultServer.TokenA1, envelope.WrappedKey);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(32, Convert.FromBase64String(body).Length);
    }

    [Fact]
    public async Task New_values_round_trip_under_key_id_akv_and_refuse_other_accounts()
    {
        await GiveTheOtherAccountsKeysAsync();
        var single = await Api.EncryptOkAsync("only-for-a1", "sa1", "ns-a");
        var batch = await Api.EncryptManyOkAsync("sa1", "ns-a", new Dictionary<string, string> { ["x"] = "x-for-a1", ["y"] = "y-for-a1" });

        Assert.StartsWith("k2.akv.", single, StringComparison.Ordinal);
        Assert.All(batch.Values, v => Assert.StartsWith("k2e.akv.", v, StringComparison.Ordinal));
        Assert.Equal((HttpStatusCode.OK, "only-for-a1"), await Api.DecryptTextAsync(KeyVaultServer.TokenA1, single));
        Assert.Equal([("x-for-a1", null), ("y-for-a1", null)], await Api.DecryptManyOkAsync(KeyVaultServer.TokenA1, [batch["x"], batch["y"]]));
        foreach (var token in new[] { KeyVaultServer.TokenA2, KeyVaultServer.TokenB1 })
        {
            Assert.Equal((HttpStatusCode.Forbidden, "forbidden"), await Api.DecryptTextAsync(token, single));
            Assert.Equal([(null, "Forbidden"), (null, "Forbidden")], await Api.DecryptManyOkAsync(token, [batch["x"], batch["y"]]));
        }
    }

    [Fact]
    public async Task A_missing_or_deleted_key_refuses_the_value_and_warns_naming_it()
    {
        await using var server = await KeyVaultServer.StartAsync((_, e) => e["KeyManagement__DataKeyCache__MaxEntries"] = "0");
        using var upstream = new UpstreamKeyVaultWriter(server.Vault, KeyVaultServer.ClientId, KeyVaultServer.ClientSecret, maximumDataLength: 214);
        var upstreamValue = await upstream.EncryptAsync("a1's", "ns-a", "sa1");
        var own = await server.Api.EncryptOkAsync("a1's", "sa1", "ns-a");

        // ns-a:sa2 has no key (404): nothing was encrypted for it, so the value is not its: refused, with a warning.
        foreach (var ciphertext in new[] { upstreamValue, own })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await server.Api.DecryptTextAsync(KeyVaultServer.TokenA2, ciphertext)).Status);
        }

        // ns-a:sa1's key was deleted in the vault: its own values are refused too, with a warning naming the key.
        var name = UpstreamKeyVaultWriter.KeyName("ns-a", "sa1");
        server.Vault.DeleteKey(name);
        foreach (var ciphertext in new[] { upstreamValue, own })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await server.Api.DecryptTextAsync(KeyVaultServer.TokenA1, ciphertext)).Status);
        }

        var logs = server.AllLogText();
        Assert.Contains($"key '{name}' of service account ns-a:sa1 does not exist", logs, StringComparison.Ordinal);
        Assert.Contains($"key '{UpstreamKeyVaultWriter.KeyName("ns-a", "sa2")}' of service account ns-a:sa2 does not exist", logs, StringComparison.Ordinal);
        Assert.DoesNotContain("a1's", logs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_first_encrypt_for_an_account_creates_its_key_under_upstreams_name_with_the_configured_type_and_size()
    {
        await using var server = await KeyVaultServer.StartAsync((_, e) =>
        {
            e["KeyManagement__KeyVault__KeyType"] = "RSA-HSM";
            e["KeyManagement__KeyVault__KeyLength"] = "3072";
        });
        var name = UpstreamKeyVaultWriter.KeyName("ns-new", "fresh-app");
        Assert.DoesNotContain(name, server.Vault.KeyNames);

        await server.Api.EncryptOkAsync("first", "fresh-app", "ns-new");
        await server.Api.EncryptManyOkAsync("fresh-app", "ns-new", new Dictionary<string, string> { ["a"] = "second" });

        Assert.Contains(name, server.Vault.KeyNames);
        Assert.Single(server.Vault.Versions(name));
        Assert.Equal(("RSA-HSM", 3072), server.Vault.KeyShape(name));
        Assert.Contains(server.Host.Logs.GetSnapshot(), r => r.Message.Contains($"Created Key Vault key '{name}' for ns-new:fresh-app", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_batch_costs_one_key_vault_call_per_data_key_and_encrypting_none_once_the_key_is_known()
    {
        var batch = await Api.EncryptManyOkAsync("sa1", "ns-b", Enumerable.Range(0, 20).ToDictionary(i => $"k{i}", i => $"value {i}"));
        Server.Vault.ResetCounts();

        var results = await Api.DecryptManyOkAsync(KeyVaultServer.TokenB1, batch.Values);
        await Api.EncryptManyOkAsync("sa1", "ns-b", new Dictionary<string, string> { ["again"] = "more" });

        Assert.All(results, r => Assert.Null(r.Error));
        Assert.Equal(1, Server.Vault.Count("unwrapkey"));
        Assert.Equal(0, Server.Vault.Count("get") + Server.Vault.Count("create") + Server.Vault.Count("wrapkey") + Server.Vault.Count("encrypt"));
    }

    [Fact]
    public async Task Values_wrapped_before_a_key_rotation_in_the_vault_still_decrypt()
    {
        var before = await Api.EncryptOkAsync("made before rotation", "sa2", "ns-a");
        var name = UpstreamKeyVaultWriter.KeyName("ns-a", "sa2");

        Server.Vault.Rotate(name);

        Assert.Equal(2, Server.Vault.Versions(name).Count);
        Assert.Equal((HttpStatusCode.OK, "made before rotation"), await Api.DecryptTextAsync(KeyVaultServer.TokenA2, before));
    }

    [Fact]
    public async Task The_token_comes_from_the_challenge_and_no_body_is_sent_before_it()
    {
        await Api.EncryptOkAsync("warm", "sa1", "ns-a");

        Assert.True(Server.Vault.Count("token") >= 1);
        Assert.True(Server.Vault.Count("challenge") >= 1);
        Assert.Equal(0, Server.Vault.Count("unauthenticated-body"));
    }

    [Fact]
    public async Task A_revoked_token_is_replaced_after_the_vaults_new_challenge()
    {
        var made = await Api.EncryptOkAsync("before revocation", "sa1", "ns-a");
        Server.Vault.RevokeTokens();
        Server.Vault.ResetCounts();

        Assert.Equal((HttpStatusCode.OK, "before revocation"), await Api.DecryptTextAsync(KeyVaultServer.TokenA1, made));
        Assert.Equal(1, Server.Vault.Count("challenge"));
        Assert.Equal(1, Server.Vault.Count("token"));
    }

    [Fact]
    public async Task Neither_the_client_secret_nor_vault_tokens_nor_plaintexts_reach_the_logs()
    {
        using var upstream = new UpstreamKeyVaultWriter(Server.Vault, KeyVaultServer.ClientId, KeyVaultServer.ClientSecret);
        var old = await upstream.EncryptAsync("leak-canary-upstream", "ns-a", "sa1");
        var made = await Api.EncryptOkAsync("leak-canary-new", "sa1", "ns-a");
        await Api.DecryptTextAsync(KeyVaultServer.TokenA1, old);
        await Api.DecryptTextAsync(KeyVaultServer.TokenA1, made);
        await Api.DecryptTextAsync(KeyVaultServer.TokenB1, made);

        var logs = Server.AllLogText();

        Assert.DoesNotContain(KeyVaultServer.ClientSecret, logs, StringComparison.Ordinal);
        Assert.DoesNotContain("kv-standin-", logs, StringComparison.Ordinal);
        Assert.DoesNotContain("leak-canary", logs, StringComparison.Ordinal);
    }

    // The refusal tests need keys for the other accounts: a value reaches Key Vault's own refusal (400, or 404 for a
    // version the account's key never had) only under a key that exists; without one it is refused with a warning naming the key.
    private async Task GiveTheOtherAccountsKeysAsync()
    {
        await Api.EncryptOkAsync("key for sa2", "sa2", "ns-a");
        await Api.EncryptOkAsync("key for b1", "sa1", "ns-b");
    }
}
