using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Kamus.Testing;
using Kamus.Wire.Formats;

namespace Kamus.Controller.Tests.Support;

/// <summary>
/// Encrypts test values with the real Kamus server (same master key as the controller) over its HTTP API, bound to a
/// KamusSecret key as <c>kamus encrypt-secret</c> does, or unbound as older tools did.
/// </summary>
public sealed class Encryptor : IAsyncLifetime
{
    private KamusServerHost? _server;
    private HttpClient? _http;

    public async Task InitializeAsync()
    {
        _server = await KamusServerHost.StartAsync();
        _http = _server.CreateHttpClient();
    }

    /// <summary>Each item bound to key <c>item</c> of KamusSecret <paramref name="namespace"/>/<paramref name="name"/>.</summary>
    public Task<Dictionary<string, string>> BoundAsync(string @namespace, string serviceAccount, string name, IReadOnlyDictionary<string, string> items) =>
        EncryptAsync(@namespace, serviceAccount, items, items.Keys.ToDictionary(k => k, k => CiphertextContext.ForKamusSecret(@namespace, name, k)));

    /// <summary>Unbound values (as upstream's tools and older ones made them).</summary>
    public Task<Dictionary<string, string>> UnboundAsync(string @namespace, string serviceAccount, IReadOnlyDictionary<string, string> items) =>
        EncryptAsync(@namespace, serviceAccount, items, null);

    public async Task DisposeAsync()
    {
        _http?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    private async Task<Dictionary<string, string>> EncryptAsync(string @namespace, string serviceAccount, IReadOnlyDictionary<string, string> items, Dictionary<string, string>? contexts)
    {
        var body = new JsonObject { ["service-account"] = serviceAccount, ["namespace"] = @namespace, ["items"] = Json(items) };
        if (contexts is not null)
        {
            body["contexts"] = Json(contexts);
        }

        using var response = await _http!.PostAsJsonAsync("api/v2/encrypt", body);
        response.EnsureSuccessStatusCode();
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["items"]!.AsObject();
        return answer.ToDictionary(pair => pair.Key, pair => pair.Value!.GetValue<string>());
    }

    private static JsonObject Json(IReadOnlyDictionary<string, string> map)
    {
        var json = new JsonObject();
        foreach (var (key, value) in map)
        {
            json[key] = value;
        }

        return json;
    }
}
