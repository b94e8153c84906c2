using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Kamus.Server.Tests;

/// <summary>Values bound to a context over the API: encrypt with contexts, decrypt naming them, and old shapes unchanged.</summary>
public sealed class ContextBindingTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private KamusApi Api => fixture.Api;

    [Fact]
    public async Task A_batch_bound_to_contexts_decrypts_only_where_each_item_names_its_own_context()
    {
        var encrypted = await EncryptManyAsync(new() { ["db"] = "db-secret", ["url"] = "not-secret", ["plain"] = "unbound" }, new() { ["db"] = "config:db", ["url"] = "config:url" });
        Assert.StartsWith("k2ec.k0.", encrypted["db"], StringComparison.Ordinal);
        Assert.StartsWith("k2e.k0.", encrypted["plain"], StringComparison.Ordinal);

        var results = await DecryptManyAsync(ServerFixture.TokenA1,
        [
            (encrypted["db"], "config:db"),
            (encrypted["db"], "config:url"),   // swapped into another key
            (encrypted["db"], null),           // read without naming a context
            (encrypted["plain"], "config:x"),  // an unbound value ignores the context
            (encrypted["plain"], null),
        ]);

        Assert.Equal([("db-secret", null), (null, "InvalidCiphertext"), (null, "InvalidCiphertext"), ("unbound", null), ("unbound", null)], results);
    }

    [Fact]
    public async Task A_bound_v1_value_opens_only_in_its_context_and_is_refused_elsewhere()
    {
        using var response = await fixture.Host.CreateHttpClient().PostAsJsonAsync("api/v1/encrypt", new JsonObject { ["data"] = "pw", ["service-account"] = "sa1", ["namespace"] = "ns-a", ["context"] = "config:pw" });
        var value = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("k2c.k0.", value, StringComparison.Ordinal);

        Assert.Equal((HttpStatusCode.OK, "pw"), await DecryptV1Async(value, "config:pw"));
        Assert.Equal(HttpStatusCode.Forbidden, (await DecryptV1Async(value, "config:other")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await DecryptV1Async(value, null)).Status);
        Assert.Equal([(null, "Forbidden"), ("pw", null)], await DecryptManyAsync(ServerFixture.TokenA1, [(value, null), (value, "config:pw")]));
    }

    [Theory]
    [InlineData("{\"items\":[{\"data\":\"x\",\"data\":\"y\"}]}")]
    [InlineData("{\"items\":[42]}")]
    [InlineData("{\"items\":[{\"data\":\"x\",\"context\":7}]}")]
    public async Task Malformed_items_are_refused_as_a_malformed_body(string body)
    {
        using var response = await Api.PostRawAsync("api/v2/decrypt", ServerFixture.TokenA1, new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("malformed request body", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("{\"db\":\"\"}")]
    [InlineData("{\"nope\":\"config:x\"}")]
    [InlineData("{\"db\":\"a\\u0000b\"}")]
    public async Task Invalid_contexts_are_refused_before_encrypting(string contexts)
    {
        var body = $"{{\"service-account\":\"sa1\",\"namespace\":\"ns-a\",\"items\":{{\"db\":\"x\"}},\"contexts\":{contexts}}}";
        using var response = await Api.PostRawAsync("api/v2/encrypt", null, new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("invalid context", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<Dictionary<string, string>> EncryptManyAsync(Dictionary<string, string> items, Dictionary<string, string> contexts)
    {
        var body = new JsonObject
        {
            ["service-account"] = "sa1",
            ["namespace"] = "ns-a",
            ["items"] = new JsonObject([.. items.Select(i => KeyValuePair.Create(i.Key, (JsonNode?)i.Value))]),
            ["contexts"] = new JsonObject([.. contexts.Select(c => KeyValuePair.Create(c.Key, (JsonNode?)c.Value))]),
        };
        using var response = await Api.PostRawAsync("api/v2/encrypt", null, JsonContent.Create(body));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["items"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>());
    }

    private async Task<List<(string? Plaintext, string? Error)>> DecryptManyAsync(string token, (string Data, string? Context)[] items)
    {
        var array = new JsonArray([.. items.Select(i => i.Context is null ? (JsonNode)JsonValue.Create(i.Data) : new JsonObject { ["data"] = i.Data, ["context"] = i.Context })]);
        using var response = await Api.PostRawAsync("api/v2/decrypt", token, JsonContent.Create(new JsonObject { ["items"] = array }));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"batch decrypt answered {(int)response.StatusCode}: {body}");
        return [.. JsonNode.Parse(body)!["items"]!.AsArray().Select(i => (i!["plaintext"]?.GetValue<string>(), i["error"]?.GetValue<string>()))];
    }

    private async Task<(HttpStatusCode Status, string Body)> DecryptV1Async(string value, string? context)
    {
        var body = new JsonObject { ["data"] = value };
        if (context is not null)
        {
            body["context"] = context;
        }

        using var response = await Api.PostRawAsync("api/v1/decrypt", ServerFixture.TokenA1, JsonContent.Create(body));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
