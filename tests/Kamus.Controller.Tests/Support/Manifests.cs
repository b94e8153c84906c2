using System.Text;
using System.Text.Json.Nodes;

namespace Kamus.Controller.Tests.Support;

/// <summary>KamusSecret and Secret objects as a user would apply them.</summary>
public static class Manifests
{
    public static JsonObject KamusSecret(
        string name,
        string? serviceAccount,
        IReadOnlyDictionary<string, string>? data = null,
        IReadOnlyDictionary<string, string>? stringData = null,
        string? type = null,
        IReadOnlyDictionary<string, string>? labels = null,
        IReadOnlyDictionary<string, string>? annotations = null,
        bool? propagateAnnotations = null)
    {
        var metadata = new JsonObject { ["name"] = name };
        if (labels is not null)
        {
            metadata["labels"] = Map(labels);
        }

        if (annotations is not null)
        {
            metadata["annotations"] = Map(annotations);
        }

        var item = new JsonObject { ["apiVersion"] = "soluto.com/v1alpha2", ["kind"] = "KamusSecret", ["metadata"] = metadata };
        if (serviceAccount is not null)
        {
            item["serviceAccount"] = serviceAccount;
        }

        if (type is not null)
        {
            item["type"] = type;
        }

        if (data is not null)
        {
            item["data"] = Map(data);
        }

        if (stringData is not null)
        {
            item["stringData"] = Map(stringData);
        }

        if (propagateAnnotations is not null)
        {
            item["propagateAnnotations"] = propagateAnnotations.Value;
        }

        return item;
    }

    public static JsonObject Secret(string name, IReadOnlyDictionary<string, string> stringData, IReadOnlyDictionary<string, string>? annotations = null)
    {
        var metadata = new JsonObject { ["name"] = name };
        if (annotations is not null)
        {
            metadata["annotations"] = Map(annotations);
        }

        return new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Secret", ["metadata"] = metadata, ["stringData"] = Map(stringData) };
    }

    /// <summary>A Secret's <c>data</c> decoded as UTF-8 text, by key.</summary>
    public static Dictionary<string, string> Text(JsonObject? secret) =>
        (secret?["data"] as JsonObject ?? []).ToDictionary(p => p.Key, p => Encoding.UTF8.GetString(Convert.FromBase64String(p.Value!.GetValue<string>())));

    /// <summary>The <c>Ready</c> condition of a KamusSecret, or null.</summary>
    public static JsonNode? Ready(JsonObject? kamusSecret) =>
        kamusSecret?["status"]?["conditions"]?.AsArray().FirstOrDefault(c => c?["type"]?.GetValue<string>() == "Ready");

    public static JsonObject Map(IReadOnlyDictionary<string, string> map)
    {
        var json = new JsonObject();
        foreach (var (key, value) in map)
        {
            json[key] = value;
        }

        return json;
    }
}
