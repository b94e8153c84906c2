using System.Text.Json;

namespace Kamus.Cli.Json;

/// <summary>
/// Walks a JSON document the way the configuration JSON provider reads it (comments and trailing commas allowed) and
/// records every value with its configuration key and exact byte offsets, so values can be replaced in place without
/// touching a single other byte.
/// </summary>
internal static class JsonDocumentScanner
{
    private static readonly JsonReaderOptions ReaderOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>Scans <paramref name="document"/> (UTF-8, BOM allowed; offsets count the BOM).</summary>
    /// <exception cref="JsonSyntaxException">The text is not valid JSON.</exception>
    public static IReadOnlyList<JsonNode> Scan(ReadOnlySpan<byte> document)
    {
        var offset = document.StartsWith(Utf8Bom) ? Utf8Bom.Length : 0;
        var reader = new Utf8JsonReader(document[offset..], ReaderOptions);
        var nodes = new List<JsonNode>();
        var frames = new Stack<Frame>();
        try
        {
            while (reader.Read())
            {
                var start = offset + (int)reader.TokenStartIndex;
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        frames.Peek().PendingName = reader.GetString();
                        break;
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        var path = NextPath(frames);
                        var isArray = reader.TokenType == JsonTokenType.StartArray;
                        nodes.Add(new JsonNode(path, isArray ? JsonNodeKind.Array : JsonNodeKind.Object, start, -1, null));
                        frames.Push(new Frame(path, isArray));
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        frames.Pop();
                        break;
                    default:
                        var end = offset + (int)reader.BytesConsumed;
                        var kind = KindOf(reader.TokenType);
                        nodes.Add(new JsonNode(NextPath(frames), kind, start, end, kind == JsonNodeKind.String ? reader.GetString() : null));
                        break;
                }
            }
        }
        catch (JsonException e)
        {
            // The reader's own message can quote a character of the file; ours names only the position.
            throw new JsonSyntaxException(e.LineNumber + 1 ?? 0, e.BytePositionInLine + 1 ?? 0, e);
        }
        catch (InvalidOperationException e)
        {
            // A string that is not valid UTF-8 or holds an invalid escape.
            throw new JsonSyntaxException(Line(document, offset + (int)reader.TokenStartIndex), 0, e);
        }

        if (nodes.Count == 0)
        {
            throw new JsonSyntaxException(1, 1, null);
        }

        return nodes;
    }

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    private static string NextPath(Stack<Frame> frames)
    {
        if (frames.Count == 0)
        {
            return string.Empty;
        }

        var parent = frames.Peek();
        var name = parent.IsArray
            ? (parent.NextIndex++).ToString(System.Globalization.CultureInfo.InvariantCulture)
            : parent.PendingName ?? string.Empty;
        return parent.Path.Length == 0 ? name : parent.Path + ":" + name;
    }

    private static JsonNodeKind KindOf(JsonTokenType type) => type switch
    {
        JsonTokenType.String => JsonNodeKind.String,
        JsonTokenType.Number => JsonNodeKind.Number,
        JsonTokenType.True or JsonTokenType.False => JsonNodeKind.Boolean,
        _ => JsonNodeKind.Null,
    };

    private static long Line(ReadOnlySpan<byte> document, int position) =>
        document[..Math.Min(position, document.Length)].Count((byte)'\n') + 1;

    private sealed class Frame(string path, bool isArray)
    {
        public string Path { get; } = path;

        public bool IsArray { get; } = isArray;

        public int NextIndex { get; set; }

        public string? PendingName { get; set; }
    }
}
