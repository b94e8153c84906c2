using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Xunit;

namespace Kamus.Testing;

/// <summary>
/// Raw HTTP calls to the Kamus API (v1 and v2 paths, JSON bodies, bearer tokens), as any client would make them: for
/// tests of the server itself, below <c>KamusClient</c>. The <c>...OkAsync</c> calls assert success.
/// </summary>
public sealed class RawKamusApi(HttpClient http)
{
    public Task<HttpResponseMessage> EncryptAsync(string? data, string? serviceAccount, string? @namespace) =>
        http.PostAsJsonAsync("api/v1/encrypt", new JsonObject { ["data"] = data, ["service-account"] = serviceAccount, ["namespace"] = @namespace });

    public async Task<string> EncryptOkAsync(string data, string serviceAccount, string @namespace)
    {
        using var response = await EncryptAsync(data, serviceAccount, @namespace);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"encrypt answered {(int)response.StatusCode}: {body}");
        return body;
    }

    public Task<HttpResponseMessage> EncryptManyAsync(string serviceAccount, string @namespace, IReadOnlyDictionary<string, string> items, IReadOnlyDictionary<string, string>? contexts = null)
    {
        var body = new JsonObject { ["service-account"] = serviceAccount, ["namespace"] = @namespace, ["items"] = ToJson(items) };
        if (contexts is not null)
        {
            body["contexts"] = ToJson(contexts);
        }

        return http.PostAsJsonAsync("api/v2/encrypt", body);
    }

    public async Task<Dictionary<string, string>> EncryptManyOkAsync(string serviceAccount, string @namespace, IReadOnlyDictionary<string, string> items, IReadOnlyDictionary<string, string>? contexts = null)
    {
        using var response = await EncryptManyAsync(serviceAccount, @namespace, items, contexts);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return json["items"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>());
    }

    public Task<HttpResponseMessage> DecryptAsync(string? token, string? ciphertext) =>
        SendAsync("api/v1/decrypt", token, new JsonObject { ["data"] = ciphertext });

    public async Task<(HttpStatusCode Status, string Body)> DecryptTextAsync(string? token, string? ciphertext)
    {
        using var response = await DecryptAsync(token, ciphertext);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public Task<HttpResponseMessage> DecryptManyAsync(string? token, IEnumerable<string?> ciphertexts) =>
        SendAsync("api/v2/decrypt", token, new JsonObject { ["items"] = new JsonArray([.. ciphertexts.Select(c => (JsonNode?)JsonValue.Create(c))]) });

    /// <summary>The per-item results of a batch decrypt: (plaintext, error) pairs.</summary>
    public async Task<List<(string? Plaintext, string? Error)>> DecryptManyOkAsync(string token, IEnumerable<string?> ciphertexts)
    {
        using var response = await DecryptManyAsync(token, ciphertexts);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"batch decrypt answered {(int)response.StatusCode}: {body}");
        return [.. JsonNode.Parse(body)!["items"]!.AsArray().Select(i => (i!["plaintext"]?.GetValue<string>(), i["error"]?.GetValue<string>()))];
    }

    public async Task<HttpResponseMessage> PostRawAsync(string path, string? token, HttpContent content)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await http.SendAsync(request);
    }

    private static JsonObject ToJson(IReadOnlyDictionary<string, string> map)
    {
        var json = new JsonObject();
        foreach (var (name, value) in map)
        {
            json[name] = value;
        }

        return json;
    }

    private Task<HttpResponseMessage> SendAsync(string path, string? token, JsonObject body) =>
        PostRawAsync(path, token, JsonContent.Create(body));
}
