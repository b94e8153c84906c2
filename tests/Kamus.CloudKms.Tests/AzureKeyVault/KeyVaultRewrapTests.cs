using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Kamus.Testing;
using Kamus.Testing.Kms;
using Kamus.Wire.Crypto;
using Kamus.Wire.Formats;
using Kamus.Wire.Identity;

namespace Kamus.CloudKms.Tests.AzureKeyVault;

/// <summary>
/// <c>POST /api/v2/rewrap</c> moving values from upstream's AES key (configured beside Key Vault, unwrap only) and
/// from upstream's Key Vault values to the current provider, as the values' own service account.
/// </summary>
public sealed class KeyVaultRewrapTests
{
    [Fact]
    public async Task Upstream_aes_values_and_old_key_ring_values_move_to_key_vault_in_request_order()
    {
        var (ns, sa) = ("ns-a", "sa1");
        var upstreamAes = UpstreamAes("from upstream's AES key", new ServiceAccountIdentity(ns, sa));
        await using var server = await KeyVaultServer.StartAsync((_, e) =>
        {
            // Side by side: upstream's AES key reads the old values, Key Vault makes the new ones.
            e["KeyManagement__AES__Key"] = KamusServerHost.CompatMasterKey;
            e["KeyManagement__AES__UseKeyDeriviation"] = "true";
        });
        var token = KeyVaultServer.TokenA1;
        using var upstream = new UpstreamKeyVaultWriter(server.Vault, KeyVaultServer.ClientId, KeyVaultServer.ClientSecret);
        var upstreamKeyVault = await upstream.EncryptAsync("from upstream key vault", ns, sa);
        var otherAccounts = await server.Api.EncryptOkAsync("not yours", "sa1", "ns-b");

        var (status, items) = await RewrapAsync(server, token, sa, ns, [upstreamAes, "garbage", otherAccounts, upstreamKeyVault]);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(4, items.Count);
        Assert.StartsWith("k2e.akv.", items[0].Data, StringComparison.Ordinal);
        Assert.Equal((null, "InvalidCiphertext"), items[1]);
        Assert.Equal((null, "Forbidden"), items[2]);
        Assert.StartsWith("k2e.akv.", items[3].Data, StringComparison.Ordinal);
        Assert.Equal([("from upstream's AES key", null), ("from upstream key vault", null)], await server.Api.DecryptManyOkAsync(token, [items[0].Data, items[3].Data]));
        Assert.DoesNotContain("from upstream", server.AllLogText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rewrap_needs_the_stated_service_accounts_own_token()
    {
        await using var server = await KeyVaultServer.StartAsync();
        var value = await server.Api.EncryptOkAsync("secret", "sa1", "ns-a");

        Assert.Equal(HttpStatusCode.Unauthorized, (await RewrapAsync(server, null, "sa1", "ns-a", [value])).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await RewrapAsync(server, KeyVaultServer.TokenA2, "sa1", "ns-a", [value])).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await RewrapAsync(server, KeyVaultServer.TokenA1, "sa1", "ns-a", [])).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await RewrapAsync(server, KeyVaultServer.TokenA1, null, "ns-a", [value])).Status);

        var (status, items) = await RewrapAsync(server, KeyVaultServer.TokenA1, "sa1", "ns-a", [value]);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.NotEqual(value, items[0].Data);
        Assert.Equal((HttpStatusCode.OK, "secret"), await server.Api.DecryptTextAsync(KeyVaultServer.TokenA1, items[0].Data));
    }

    [Fact]
    public async Task A_bare_wrapped_data_key_is_not_rewrapped_as_a_value()
    {
        await using var server = await KeyVaultServer.StartAsync();
        var envelope = (await server.Api.EncryptManyOkAsync("sa1", "ns-a", new Dictionary<string, string> { ["x"] = "v" }))["x"];
        var wrappedKey = CiphertextParser.Parse(envelope).WrappedKey!;

        var (_, items) = await RewrapAsync(server, KeyVaultServer.TokenA1, "sa1", "ns-a", [wrappedKey]);

        Assert.Equal((null, "InvalidCiphertext"), items[0]);
    }

    [Fact]
    public async Task A_key_vault_outage_during_rewrap_answers_503()
    {
        await using var server = await KeyVaultServer.StartAsync();
        var value = await server.Api.EncryptOkAsync("secret", "sa1", "ns-a");
        server.Vault.Failure = StandInFailure.ServiceUnavailable;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await RewrapAsync(server, KeyVaultServer.TokenA1, "sa1", "ns-a", [value])).Status);
    }

    // An upstream AESKey value (UseKeyDeriviation=true), as upstream's SymmetricKeyManagement made it with the host's key.
    private static string UpstreamAes(string plaintext, ServiceAccountIdentity identity)
    {
        var key = KeyDerivation.DeriveUpstreamKey(Convert.FromBase64String(KamusServerHost.CompatMasterKey), identity);
        var (iv, ciphertext) = AesCbc.Encrypt(key, Encoding.UTF8.GetBytes(plaintext));
        return UpstreamLayout.FormatAes(iv, ciphertext);
    }

    internal static async Task<(HttpStatusCode Status, List<(string? Data, string? Error)> Items)> RewrapAsync(KeyVaultServer server, string? token, string? serviceAccount, string @namespace, IEnumerable<string> items)
    {
        using var http = server.Host.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v2/rewrap")
        {
            Content = JsonContent.Create(new JsonObject
            {
                ["service-account"] = serviceAccount,
                ["namespace"] = @namespace,
                ["items"] = new JsonArray([.. items.Select(i => (JsonNode?)JsonValue.Create(i))]),
            }),
        };
        if (token is not null)
        {
            request.Headers.Authorization = new("Bearer", token);
        }

        using var response = await http.SendAsync(request);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return (response.StatusCode, []);
        }

        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return (response.StatusCode, [.. json["items"]!.AsArray().Select(i => (i!["data"]?.GetValue<string>(), i["error"]?.GetValue<string>()))]);
    }
}
