using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Kamus.Wire.Protocol;

/// <summary>
/// The client's decrypt bodies, written and read with <see cref="Utf8JsonWriter"/> and <see cref="Utf8JsonReader"/>
/// directly: the same JSON as the source-generated contracts (<see cref="DecryptRequest"/>, <see cref="BatchDecryptRequest"/>,
/// <see cref="BatchDecryptResponse"/>; tests compare the two), without the serializer's set-up, which a fresh process
/// otherwise pays on its first decrypt (its options, converters and property metadata: several milliseconds).
/// </summary>
internal static class DecryptJson
{
    /// <summary><c>{"data":"…"}</c>: the body of <c>POST /api/v1/decrypt</c>.</summary>
    public static byte[] Request(string ciphertext) => IsPlain(ciphertext) ? Plain("{\"data\":", [ciphertext], "}") : Write(ciphertext.Length, writer =>
    {
        writer.WriteStartObject();
        writer.WriteString("data"u8, ciphertext);
        writer.WriteEndObject();
    });

    /// <summary><c>{"items":["…",…]}</c>: the body of <c>POST /api/v2/decrypt</c>.</summary>
    public static byte[] BatchRequest(IReadOnlyList<string> ciphertexts)
    {
        var length = 0;
        var plain = true;
        for (var i = 0; i < ciphertexts.Count; i++)
        {
            length += ciphertexts[i].Length + 3;
            plain &= IsPlain(ciphertexts[i]);
        }

        if (plain)
        {
            return Plain("{\"items\":[", ciphertexts, "]}");
        }

        return Write(length, writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray("items"u8);
            for (var i = 0; i < ciphertexts.Count; i++)
            {
                writer.WriteStringValue(ciphertexts[i]);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        });
    }

    /// <summary>
    /// Reads the answer of <c>POST /api/v2/decrypt</c> as the serializer would with the contracts' options (property names
    /// matched without regard to case, unknown properties skipped, the last of duplicates kept, nothing after the value).
    /// </summary>
    /// <returns>The answer, or <see langword="null"/> for a JSON <c>null</c>.</returns>
    /// <exception cref="JsonException">The body is not that JSON.</exception>
    public static BatchDecryptResponse? ReadBatchResponse(string body)
    {
        // The body holds plaintexts: its UTF-8 copy is cleared once read.
        var bytes = Encoding.UTF8.GetBytes(body);
        try
        {
            var reader = new Utf8JsonReader(bytes);
            Next(ref reader);
            if (reader.TokenType == JsonTokenType.Null)
            {
                End(ref reader);
                return null;
            }

            Expect(ref reader, JsonTokenType.StartObject);
            var response = new BatchDecryptResponse();
            var seen = 0;
            while (NextProperty(ref reader, "items"u8, "items", default, null, ref seen, out var known))
            {
                if (known == 1)
                {
                    response.Items = ReadResults(ref reader);
                }
            }

            End(ref reader);
            return response;
        }
        finally
        {
            Array.Clear(bytes);
        }
    }

    private static List<BatchDecryptResult>? ReadResults(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        Expect(ref reader, JsonTokenType.StartArray);
        var results = new List<BatchDecryptResult>();
        while (true)
        {
            Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndArray)
            {
                return results;
            }

            if (reader.TokenType == JsonTokenType.Null)
            {
                results.Add(null!);
                continue;
            }

            Expect(ref reader, JsonTokenType.StartObject);
            var result = new BatchDecryptResult();
            var seen = 0;
            while (NextProperty(ref reader, "plaintext"u8, "plaintext", "error"u8, "error", ref seen, out var known))
            {
                if (known == 1)
                {
                    result.Plaintext = ReadString(ref reader);
                }
                else if (known == 2)
                {
                    result.Error = ReadString(ref reader);
                }
            }

            results.Add(result);
        }
    }

    private static string? ReadString(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Null => null,
        _ => throw new JsonException("A string was expected."),
    };

    // The next property of the object the reader is in: false at its end; otherwise the reader is left at the value and
    // known says which name it has (1, 2, or 0 for another, whose value is skipped). Names match exactly first, then
    // without regard to case, as the contracts' options (JsonSerializerDefaults.Web) do; a known name seen twice in one
    // object is refused, as the contracts refuse duplicate properties (seen holds one bit per known name).
    private static bool NextProperty(ref Utf8JsonReader reader, ReadOnlySpan<byte> first, string firstName, ReadOnlySpan<byte> second, string? secondName, ref int seen, out int known)
    {
        Next(ref reader);
        if (reader.TokenType == JsonTokenType.EndObject)
        {
            known = 0;
            return false;
        }

        known = Matches(ref reader, first, firstName) ? 1 : secondName is not null && Matches(ref reader, second, secondName) ? 2 : 0;
        if (known != 0 && (seen & known) != 0)
        {
            throw new JsonException("A property appears twice in one object.");
        }

        seen |= known;
        Next(ref reader);
        if (known == 0)
        {
            reader.Skip();
        }

        return true;
    }

    private static bool Matches(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8, string name) =>
        reader.ValueTextEquals(utf8) || string.Equals(reader.GetString(), name, StringComparison.OrdinalIgnoreCase);

    // Ciphertexts are base64, base64url and a few separators: none of their characters is escaped by the writer's
    // default encoder, so such values are copied as they are (and the encoder, an assembly of its own with a table to
    // build, is not loaded on a cold start). Anything else goes through Utf8JsonWriter. Tests compare both with the
    // serializer's output byte for byte.
    private static bool IsPlain(string value)
    {
        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '$' or ':' or '=' or '/'))
            {
                return false;
            }
        }

        return true;
    }

    // prefix, the values quoted and comma-separated, suffix: all ASCII.
    private static byte[] Plain(string prefix, IReadOnlyList<string> values, string suffix)
    {
        var length = prefix.Length + suffix.Length + Math.Max(values.Count - 1, 0);
        for (var i = 0; i < values.Count; i++)
        {
            length += values[i].Length + 2;
        }

        var bytes = new byte[length];
        var at = Copy(prefix, bytes, 0);
        for (var i = 0; i < values.Count; i++)
        {
            if (i > 0)
            {
                bytes[at++] = (byte)',';
            }

            bytes[at++] = (byte)'"';
            at = Copy(values[i], bytes, at);
            bytes[at++] = (byte)'"';
        }

        Copy(suffix, bytes, at);
        return bytes;
    }

    private static int Copy(string ascii, byte[] into, int at)
    {
        foreach (var c in ascii)
        {
            into[at++] = (byte)c;
        }

        return at;
    }

    private static byte[] Write(int estimatedLength, Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(estimatedLength + 32);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void Next(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            throw new JsonException("The JSON ends too early.");
        }
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type)
    {
        if (reader.TokenType != type)
        {
            throw new JsonException($"{type} was expected, not {reader.TokenType}.");
        }
    }

    // Nothing may follow the value but white space (the reader throws on anything else).
    private static void End(ref Utf8JsonReader reader)
    {
        if (reader.Read())
        {
            throw new JsonException("The JSON has data after its value.");
        }
    }
}
