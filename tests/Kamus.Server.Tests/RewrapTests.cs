using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Kamus.Testing;

namespace Kamus.Server.Tests;

/// <summary><c>POST /api/v2/rewrap</c> rotating the key ring's current key: old values move to the new key id, in order.</summary>
public sealed class RewrapTests
{
    private static readonly string KeyZero = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    private static readonly string KeyOne = Convert.ToBase64String(Enumerable.Range(101, 32).Select(i => (byte)i).ToArray());

    [Fact]
    public async Task Values_under_an_old_key_id_move_to_the_current_one_and_outlive_the_old_key()
    {
        string[] old;
        await using (var before = await Start(("k0", KeyZero)))
        {
            var api = new RawKamusApi(before.CreateHttpClient());
            old = [await api.EncryptOkAsync("first", "sa1", "ns-a"), .. (await api.EncryptManyOkAsync("sa1", "ns-a", new Dictionary<string, string> { ["x"] = "second" })).Values];
        }

        string[] moved;
        await using (var during = await Start(("k0", KeyZero), ("k1", KeyOne)))
        {
            during.StandIn.AddToken("a1", "ns-a", "sa1");
            using var http = during.CreateHttpClient();
            using var answer = await SendWithToken(http, old);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            moved = [.. JsonNode.Parse(await answer.Content.ReadAsStringAsync())!["items"]!.AsArray().Select(i => i!["data"]!.GetValue<string>())];
            Assert.All(moved, v => Assert.StartsWith("k2e.k1.", v, StringComparison.Ordinal));
            Assert.Contains(during.AuditLines(), l => l.Contains("action=rewrap identity=ns-a:sa1", StringComparison.Ordinal) && l.Contains("outcome=ok items=2 failed=0", StringComparison.Ordinal));
        }

        await using var after = await Start(("k1", KeyOne));
        after.StandIn.AddToken("a1", "ns-a", "sa1");
        var afterApi = new RawKamusApi(after.CreateHttpClient());
        Assert.Equal([("first", null), ("second", null)], await afterApi.DecryptManyOkAsync("a1", moved));
        Assert.Equal([(null, "InvalidCiphertext"), (null, "InvalidCiphertext")], await afterApi.DecryptManyOkAsync("a1", old));
    }

    private static async Task<HttpResponseMessage> SendWithToken(HttpClient http, string[] items)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v2/rewrap")
        {
            Content = JsonContent.Create(new JsonObject
            {
                ["service-account"] = "sa1",
                ["namespace"] = "ns-a",
                ["items"] = new JsonArray([.. items.Select(v => (JsonNode?)JsonValue.Create(v))]),
            }),
        };
        request.Headers.Authorization = new("Bearer", "a1");
        return await http.SendAsync(request);
    }

    // A server whose key ring holds these keys, the last one current; no upstream AES key.
    private static Task<KamusServerHost> Start(params (string Id, string Key)[] keys) => KamusServerHost.StartAsync(o =>
    {
        o.Settings["KeyManagement:AES:Key"] = null;
        foreach (var (id, key) in keys)
        {
            o.Settings[$"KeyManagement:KeyRing:Keys:{id}"] = key;
        }

        o.Settings["KeyManagement:KeyRing:CurrentKeyId"] = keys[^1].Id;
    });
}
