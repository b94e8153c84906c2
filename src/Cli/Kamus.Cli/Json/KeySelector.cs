namespace Kamus.Cli.Json;

/// <summary>Finds the string values that <c>--key</c> patterns select in a scanned document.</summary>
internal static class KeySelector
{
    /// <summary>The selected string values, in document order, each once.</summary>
    /// <exception cref="CliException">A pattern selects nothing, or an exact key is not a string.</exception>
    public static IReadOnlyList<JsonNode> Select(IReadOnlyList<JsonNode> nodes, IReadOnlyList<ConfigPathPattern> patterns, string fileName)
    {
        var selected = new SortedDictionary<int, JsonNode>();
        foreach (var pattern in patterns)
        {
            var matches = nodes.Where(n => pattern.Matches(n.Path)).ToList();
            if (!pattern.HasWildcard)
            {
                if (matches.Count == 0)
                {
                    throw CliException.Input($"key '{pattern}' does not exist in {fileName}.");
                }

                var wrong = matches.FirstOrDefault(n => !n.IsString);
                if (wrong is not null)
                {
                    var hint = wrong.Kind is JsonNodeKind.Object or JsonNodeKind.Array ? $" (use '{pattern}:*' for its values)" : string.Empty;
                    throw CliException.Input($"key '{wrong.Path}' in {fileName} is {wrong.KindName}, not a string{hint}.");
                }
            }

            var strings = matches.Where(n => n.IsString).ToList();
            if (strings.Count == 0)
            {
                throw CliException.Input($"key pattern '{pattern}' matches no string value in {fileName}.");
            }

            foreach (var node in strings)
            {
                selected[node.Start] = node;
            }
        }

        return [.. selected.Values];
    }
}
