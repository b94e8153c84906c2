using System.Net.Http.Headers;
using System.Net.Http.Json;
using Kamus.Client;
using Kamus.Wire.Protocol;
using Kamus.Reliability.Tests.Support;

namespace Kamus.Reliability.Tests.Security;

/// <summary>
/// Every format (upstream derived value, upstream envelope and its wrapped key, v2 value, v2 envelope, v2 wrapped key),
/// made for each of three service accounts, decrypted as each of them through /api/v1/decrypt, /api/v2/decrypt and the
/// client (with its local fast path): only the owner succeeds. The default service account is refused by both endpoints.
/// </summary>
public sealed class CrossAccountMatrixTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly (string Namespace, string Name)[] Identities = [("ns-a", "sa1"), ("ns-a", "sa2"), ("ns-b", "sa1")];
    private FormatServers _servers = null!;

    public async Task InitializeAsync() => _servers = await FormatServers.StartAsync();

    public async Task DisposeAsync() => await _servers.DisposeAsync();

    [Fact]
    public async Task Only_the_owner_decrypts_in_every_format_through_every_path()
    {
        var system = _servers.V2;
        var tokens = Identities.ToDictionary(i => i, i => system.TokenFor(i.Namespace, i.Name));
        using var http = system.Host.CreateHttpClient();
        var cells = 0;
        foreach (var owner in Identities)
        {
            var originals = await _servers.MakeAsync(owner.Namespace, owner.Name, $"matrix-{owner.Namespace}-{owner.Name}");
            foreach (var reader in Identities)
            {
                var isOwner = reader == owner;
                using var client = system.Client(tokens[reader], o => o.MaxRetryAttempts = 0);
                foreach (var original in originals)
                {
                    var cell = $"{original.Name} of {owner} read by {reader}";
                    var (v1Status, v1Body) = await DecryptV1Async(http, tokens[reader], original.Ciphertext);
                    var v2Item = await DecryptV2Async(http, tokens[reader], original.Ciphertext);
                    var outcome = (await client.DecryptManyAsync([original.Ciphertext]))[0];
                    if (isOwner)
                    {
                        Assert.True(v1Status == 200, $"{cell}: v1 {v1Status}");
                        Assert.True(v2Item.Error is null, $"{cell}: v2 {v2Item.Error}");
                        Assert.True(outcome.Succeeded, $"{cell}: client {outcome}");
                        if (!original.IsWrappedKey)
                        {
                            Assert.Equal(original.Plaintext, v1Body);
                            Assert.Equal(original.Plaintext, v2Item.Plaintext);
                            Assert.Equal(original.Plaintext, outcome.Plaintext);
                        }
                    }
                    else
                    {
                        Assert.True(v1Status == 403, $"{cell}: v1 {v1Status}");
                        Assert.True(Answers.IsCleanError(v1Body), v1Body);
                        Assert.True(v2Item.Error == nameof(KamusErrorKind.Forbidden), $"{cell}: v2 {v2Item.Error}");
                        Assert.True(outcome.ErrorKind == KamusErrorKind.Forbidden, $"{cell}: client {outcome}");
                        Assert.DoesNotContain(original.Plaintext.Length > 0 ? original.Plaintext : "\u0001", outcome.Error!.ToString(), StringComparison.Ordinal);
                    }

                    cells++;
                }
            }
        }

        Figures.Record(output, "cross-account matrix", $"{cells} cells (6 formats x 3 owners x 3 readers) x 3 paths (v1, v2 batch, client fast path): owner always decrypts, every other reader Forbidden/403");
    }

    [Fact]
    public async Task The_default_service_account_is_refused_by_both_encrypt_and_both_decrypt_endpoints()
    {
        var system = _servers.V2;
        using var writer = system.Client("unused", o => o.MaxRetryAttempts = 0);
        Assert.Equal(KamusErrorKind.InvalidRequest, (await Assert.ThrowsAsync<KamusException>(() => writer.EncryptAsync("x", "default", "ns-a"))).Kind);
        Assert.Equal(KamusErrorKind.InvalidRequest, (await Assert.ThrowsAsync<KamusException>(() => writer.EncryptManyAsync("default", "ns-a", new Dictionary<string, string> { ["a"] = "x" }))).Kind);

        // A value made for ns-a:sa1 and the default account's own token: refused on both decrypt endpoints.
        var original = (await _servers.MakeAsync("ns-a", "sa1", "default-refused"))[0];
        var token = system.TokenFor("ns-a", "default");
        using var http = system.Host.CreateHttpClient();
        Assert.Equal(403, (await DecryptV1Async(http, token, original.Ciphertext)).Status);
        using var request = Post("api/v2/decrypt", token, new BatchDecryptRequest { Items = [original.Ciphertext] });
        using var response = await http.SendAsync(request);
        Assert.Equal(403, (int)response.StatusCode);
        using var reader = system.Client(token, o => o.MaxRetryAttempts = 0);
        Assert.Equal(KamusErrorKind.Forbidden, (await reader.DecryptManyAsync([original.Ciphertext]))[0].ErrorKind);
    }

    private static async Task<(int Status, string Body)> DecryptV1Async(HttpClient http, string token, string ciphertext)
    {
        using var request = Post("api/v1/decrypt", token, new DecryptRequest { Data = ciphertext });
        using var response = await http.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task<BatchDecryptResult> DecryptV2Async(HttpClient http, string token, string ciphertext)
    {
        using var request = Post("api/v2/decrypt", token, new BatchDecryptRequest { Items = [ciphertext] });
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var answer = await response.Content.ReadFromJsonAsync(KamusProtocolJsonContext.Default.BatchDecryptResponse);
        return Assert.Single(answer!.Items!);
    }

    private static HttpRequestMessage Post<T>(string path, string token, T body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }
}
