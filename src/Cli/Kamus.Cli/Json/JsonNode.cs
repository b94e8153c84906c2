namespace Kamus.Cli.Json;

/// <summary>The kind of a JSON value.</summary>
internal enum JsonNodeKind
{
    Object,
    Array,
    String,
    Number,
    Boolean,
    Null,
}

/// <summary>
/// One value of a JSON document: its configuration key (<c>Section:Child:0</c>; the root is the empty key), its kind,
/// and for scalars the exact byte range of its token in the original file (for a string, quotes included).
/// </summary>
internal sealed record JsonNode(string Path, JsonNodeKind Kind, int Start, int End, string? StringValue)
{
    public bool IsString => Kind == JsonNodeKind.String;

    public string KindName => Kind switch
    {
        JsonNodeKind.Object => "an object",
        JsonNodeKind.Array => "an array",
        JsonNodeKind.Number => "a number",
        JsonNodeKind.Boolean => "a boolean",
        JsonNodeKind.Null => "null",
        _ => "a string",
    };

    // A record's generated ToString would print the string value: the very secret about to be encrypted.
    public override string ToString() => $"{Path} ({Kind})";
}
