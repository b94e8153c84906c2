namespace Kamus.Cli.Json;

/// <summary>Replaces byte ranges of a document and copies every other byte unchanged.</summary>
internal static class JsonSplicer
{
    public static byte[] Splice(ReadOnlySpan<byte> original, IEnumerable<(JsonNode Node, byte[] Replacement)> replacements)
    {
        var ordered = replacements.OrderBy(r => r.Node.Start).ToList();
        using var output = new MemoryStream(original.Length + ordered.Sum(r => r.Replacement.Length));
        var position = 0;
        foreach (var (node, replacement) in ordered)
        {
            if (node.Start < position || node.End < node.Start)
            {
                throw new InvalidOperationException("Replacements overlap.");
            }

            output.Write(original[position..node.Start]);
            output.Write(replacement);
            position = node.End;
        }

        output.Write(original[position..]);
        return output.ToArray();
    }
}
