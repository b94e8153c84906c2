using System.Text;
using System.Text.Json.Nodes;

namespace Kamus.Testing.Kubernetes;

/// <summary>
/// What the API server does to a Secret on every write: <c>stringData</c> is merged into <c>data</c> (base64) and
/// dropped, <c>type</c> defaults to <c>Opaque</c> and is immutable, keys must be valid, the well-known types require
/// their keys, an <c>immutable</c> Secret keeps its data, and the whole Secret stays under 1 MiB.
/// </summary>
internal static class SecretRules
{
    public const int MaxDataBytes = 1024 * 1024;

    public static void Normalize(JsonObject secret, string name)
    {
        var data = secret["data"] as JsonObject ?? [];
        secret["data"] = data;
        if (secret["stringData"] is JsonObject stringData)
        {
            foreach (var (key, value) in stringData)
            {
                data[key] = Convert.ToBase64String(Encoding.UTF8.GetBytes(value?.GetValue<string>() ?? ""));
            }

            secret.Remove("stringData");
        }

        if (secret["type"] is null || secret["type"]!.GetValue<string>().Length == 0)
        {
            secret["type"] = "Opaque";
        }

        var size = 0L;
        foreach (var (key, value) in data)
        {
            if (key.Length is 0 or > 253 || !key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                throw ApiStatusException.Invalid(ApiResource.Secrets, name, $"data[{key}]: Invalid value: \"{key}\": a valid config key must consist of alphanumeric characters, '-', '_' or '.'");
            }

            var text = value?.GetValue<string>() ?? "";
            var buffer = new byte[text.Length];
            if (!Convert.TryFromBase64String(text, buffer, out var written))
            {
                throw ApiStatusException.BadRequest($"Secret in version \"v1\" cannot be handled as a Secret: illegal base64 data at input byte 0 (data[{key}])");
            }

            size += written;
        }

        if (size > MaxDataBytes)
        {
            throw ApiStatusException.Invalid(ApiResource.Secrets, name, $"data: Too long: must have at most {MaxDataBytes} bytes");
        }

        var type = secret["type"]!.GetValue<string>();
        var required = type switch
        {
            "kubernetes.io/tls" => new[] { "tls.crt", "tls.key" },
            "kubernetes.io/dockerconfigjson" => [".dockerconfigjson"],
            "kubernetes.io/dockercfg" => [".dockercfg"],
            _ => [],
        };
        foreach (var key in required.Where(key => !data.ContainsKey(key)))
        {
            throw ApiStatusException.Invalid(ApiResource.Secrets, name, $"data[{key}]: Required value");
        }
    }

    public static void CheckUpdate(JsonObject stored, JsonObject updated, string name)
    {
        var oldType = stored["type"]?.GetValue<string>();
        var newType = updated["type"]?.GetValue<string>();
        if (oldType != newType)
        {
            throw ApiStatusException.Invalid(ApiResource.Secrets, name, $"type: Invalid value: \"{newType}\": field is immutable");
        }

        if (stored["immutable"]?.GetValue<bool>() == true && !JsonNode.DeepEquals(stored["data"], updated["data"]))
        {
            throw ApiStatusException.Invalid(ApiResource.Secrets, name, "data: Forbidden: field is immutable when `immutable` is set");
        }
    }
}
