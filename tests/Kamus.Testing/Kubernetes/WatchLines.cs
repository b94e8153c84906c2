using System.Globalization;
using System.Text.Json.Nodes;

namespace Kamus.Testing.Kubernetes;

/// <summary>The watch stream's lines: <c>{"type":"ADDED|MODIFIED|DELETED|BOOKMARK|ERROR","object":{...}}</c>.</summary>
internal static class WatchLines
{
    public static string Event(string type, JsonObject item) =>
        new JsonObject { ["type"] = type, ["object"] = item.DeepClone() }.ToJsonString();

    public static string Error(ApiStatusException status) =>
        new JsonObject { ["type"] = "ERROR", ["object"] = status.ToStatus() }.ToJsonString();

    // A bookmark carries only the kind and the resourceVersion up to which every event has been sent.
    public static string Bookmark(ApiResource resource, long version) => new JsonObject
    {
        ["type"] = "BOOKMARK",
        ["object"] = new JsonObject
        {
            ["kind"] = resource.Kind,
            ["apiVersion"] = resource.ApiVersion,
            ["metadata"] = new JsonObject { ["resourceVersion"] = version.ToString(CultureInfo.InvariantCulture) },
        },
    }.ToJsonString();
}
