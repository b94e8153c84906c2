using System.Text.Json.Nodes;

namespace Kamus.Testing.Kubernetes;

/// <summary>
/// The equality-based label selectors (<c>a=b</c>, <c>a==b</c>, <c>a!=b</c>, <c>a</c>, <c>!a</c>, comma-separated) and the
/// field selectors <c>metadata.name</c> / <c>metadata.namespace</c>. Set-based label selectors (<c>in</c>, <c>notin</c>) are not modelled.
/// </summary>
internal sealed class LabelSelector
{
    private readonly List<(string Key, string? Value, bool Equal)> _labels = [];
    private readonly List<(string Field, string Value, bool Equal)> _fields = [];

    public static LabelSelector Parse(string? labelSelector, string? fieldSelector)
    {
        var selector = new LabelSelector();
        foreach (var term in Terms(labelSelector))
        {
            if (term.StartsWith('!'))
            {
                selector._labels.Add((term[1..], null, false));
            }
            else if (Split(term) is { } pair)
            {
                selector._labels.Add(pair);
            }
            else
            {
                selector._labels.Add((term, null, true));
            }
        }

        foreach (var term in Terms(fieldSelector))
        {
            var (field, value, equal) = Split(term) ?? throw ApiStatusException.BadRequest($"invalid field selector \"{term}\"");
            if (field is not ("metadata.name" or "metadata.namespace"))
            {
                throw ApiStatusException.BadRequest($"field label not supported: {field}");
            }

            selector._fields.Add((field, value!, equal));
        }

        return selector;
    }

    public bool Matches(JsonObject item)
    {
        var metadata = item["metadata"] as JsonObject;
        var labels = metadata?["labels"] as JsonObject;
        foreach (var (key, value, equal) in _labels)
        {
            var actual = labels?[key]?.GetValue<string>();
            var matches = value is null ? actual is not null : actual == value;
            if (matches != equal)
            {
                return false;
            }
        }

        foreach (var (field, value, equal) in _fields)
        {
            var actual = metadata?[field["metadata.".Length..]]?.GetValue<string>();
            if ((actual == value) != equal)
            {
                return false;
            }
        }

        return true;
    }

    private static string[] Terms(string? selector) =>
        string.IsNullOrWhiteSpace(selector) ? [] : selector.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static (string Key, string? Value, bool Equal)? Split(string term)
    {
        var notEqual = term.IndexOf("!=", StringComparison.Ordinal);
        if (notEqual > 0)
        {
            return (term[..notEqual], term[(notEqual + 2)..], false);
        }

        var equal = term.IndexOf('=', StringComparison.Ordinal);
        return equal > 0 ? (term[..equal], term[(equal + 1)..].TrimStart('='), true) : null;
    }
}
