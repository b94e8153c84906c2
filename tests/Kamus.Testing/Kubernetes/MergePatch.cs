using System.Text.Json.Nodes;

namespace Kamus.Testing.Kubernetes;

/// <summary>
/// JSON merge patch (RFC 7386), which the API server applies for <c>application/merge-patch+json</c>. The stand-in also
/// applies it for <c>application/strategic-merge-patch+json</c>, which differs only for lists with merge keys (not modelled).
/// </summary>
internal static class MergePatch
{
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        var result = target as JsonObject is { } targetObject ? (JsonObject)targetObject.DeepClone() : new JsonObject();
        foreach (var (name, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(name);
            }
            else
            {
                result[name] = Apply(result[name], value);
            }
        }

        return result;
    }
}
