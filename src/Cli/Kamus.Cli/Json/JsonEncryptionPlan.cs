using Kamus.Cli.Secrets;

namespace Kamus.Cli.Json;

/// <summary>
/// What <c>encrypt-json</c> will change in one file: the selected plaintext values, named by configuration key.
/// Values that already carry the <c>kamus:</c> marker and empty values are left alone, so a re-run changes nothing.
/// </summary>
internal sealed class JsonEncryptionPlan
{
    private JsonEncryptionPlan(byte[] document, IReadOnlyDictionary<string, JsonNode> pending, int alreadyEncrypted, IReadOnlyList<JsonNode> empty)
    {
        Document = document;
        Pending = pending;
        AlreadyEncrypted = alreadyEncrypted;
        Empty = empty;
    }

    public byte[] Document { get; }

    /// <summary>Item name (the configuration key, made unique) → value to encrypt, in document order.</summary>
    public IReadOnlyDictionary<string, JsonNode> Pending { get; }

    public int AlreadyEncrypted { get; }

    public IReadOnlyList<JsonNode> Empty { get; }

    /// <exception cref="JsonSyntaxException">The file is not valid JSON.</exception>
    /// <exception cref="CliException">The root is not an object, or a key selects nothing.</exception>
    public static JsonEncryptionPlan Create(byte[] document, IReadOnlyList<ConfigPathPattern> patterns, string fileName)
    {
        var nodes = JsonDocumentScanner.Scan(document);
        if (nodes[0].Kind != JsonNodeKind.Object)
        {
            throw CliException.Input($"{fileName} is not a configuration file: its top level is {nodes[0].KindName}, not an object.");
        }

        var selected = KeySelector.Select(nodes, patterns, fileName);
        var pending = new Dictionary<string, JsonNode>(StringComparer.Ordinal);
        var empty = new List<JsonNode>();
        var alreadyEncrypted = 0;
        foreach (var node in selected)
        {
            var value = node.StringValue!;
            if (EncryptedValueMarker.IsMarked(value))
            {
                alreadyEncrypted++;
            }
            else if (value.Length == 0)
            {
                empty.Add(node);
            }
            else
            {
                pending[UniqueName(pending, node.Path)] = node;
            }
        }

        return new JsonEncryptionPlan(document, pending, alreadyEncrypted, empty);
    }

    /// <summary>The plaintexts to send, by item name.</summary>
    public IReadOnlyDictionary<string, string> Plaintexts() => Pending.ToDictionary(p => p.Key, p => p.Value.StringValue!, StringComparer.Ordinal);

    /// <summary>The new document: every pending value replaced by <c>kamus:</c> + its ciphertext, every other byte unchanged.</summary>
    /// <exception cref="Client.KamusException">The server's answer misses an item.</exception>
    public byte[] Apply(IReadOnlyDictionary<string, string> ciphertexts)
    {
        var replacements = Pending.Select(p =>
        {
            if (!ciphertexts.TryGetValue(p.Key, out var ciphertext) || string.IsNullOrEmpty(ciphertext))
            {
                throw new Client.KamusException(Client.KamusErrorKind.Protocol, $"the server's answer has no ciphertext for '{p.Value.Path}'.");
            }

            return (p.Value, JsonStringLiteral.Encode(EncryptedValueMarker.Mark(ciphertext)));
        });
        var updated = JsonSplicer.Splice(Document, replacements);

        // Belt and braces: never write a file the configuration loader could not read.
        JsonDocumentScanner.Scan(updated);
        return updated;
    }

    private static string UniqueName(Dictionary<string, JsonNode> taken, string path)
    {
        var name = path;
        for (var n = 2; taken.ContainsKey(name); n++)
        {
            name = $"{path}#{n}";
        }

        return name;
    }
}
