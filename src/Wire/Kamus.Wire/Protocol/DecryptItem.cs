using System.Text.Json;
using System.Text.Json.Serialization;

namespace Kamus.Wire.Protocol;

/// <summary>
/// One item of <c>POST /api/v2/decrypt</c>: a ciphertext and, for a value bound to a context, the context the caller
/// expects. On the wire an item without a context is a plain JSON string (what every server and client before
/// contexts reads and writes); an item with one is <c>{"data": "…", "context": "…"}</c>.
/// </summary>
[JsonConverter(typeof(DecryptItemConverter))]
internal readonly record struct DecryptItem(string? Data, string? Context = null)
{
    /// <summary>An item without a context.</summary>
    public static implicit operator DecryptItem(string? data) => new(data);

    /// <summary>Redacted: never shows the data.</summary>
    public override string ToString() => Context is null ? "DecryptItem" : "DecryptItem(with context)";
}

/// <summary>Reads an item as a string or an object; writes the string form when there is no context.</summary>
internal sealed class DecryptItemConverter : JsonConverter<DecryptItem>
{
    private const string DataName = "data";
    private const string ContextName = "context";

    /// <inheritdoc />
    public override bool HandleNull => true;

    /// <inheritdoc />
    public override DecryptItem Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return default;
            case JsonTokenType.String:
                return new DecryptItem(reader.GetString());
            case JsonTokenType.StartObject:
                break;
            default:
                throw new JsonException("A decrypt item is a string or an object with \"data\" and \"context\".");
        }

        string? data = null, context = null;
        bool seenData = false, seenContext = false;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var isData = reader.ValueTextEquals(DataName);
            var isContext = !isData && reader.ValueTextEquals(ContextName);
            if ((isData && seenData) || (isContext && seenContext))
            {
                throw new JsonException("A decrypt item names a property twice.");
            }

            reader.Read();
            if (isData || isContext)
            {
                var value = reader.TokenType switch
                {
                    JsonTokenType.String => reader.GetString(),
                    JsonTokenType.Null => null,
                    _ => throw new JsonException("A decrypt item's \"data\" and \"context\" are strings."),
                };
                (isData ? ref data : ref context) = value;
                seenData |= isData;
                seenContext |= isContext;
            }
            else
            {
                // Properties a newer client adds are not ours to refuse.
                reader.Skip();
            }
        }

        return new DecryptItem(data, context);
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, DecryptItem value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (value.Context is null)
        {
            writer.WriteStringValue(value.Data);
            return;
        }

        writer.WriteStartObject();
        writer.WriteString(DataName, value.Data);
        writer.WriteString(ContextName, value.Context);
        writer.WriteEndObject();
    }
}
