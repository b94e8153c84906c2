using Kamus.Cli.Secrets;

namespace Kamus.Cli.Json;

/// <summary>
/// What <c>rewrap --file</c> will change in one file: the encrypted (<c>kamus:</c>) values, all of them or those
/// <c>--key</c> selects, each replaced by its re-encrypted ciphertext while every other byte stays as it is.
/// </summary>
internal sealed class JsonRewrapPlan
{
    private JsonRewrapPlan(byte[] document, IReadOnlyList<JsonNode> encrypted)
    {
        Document = document;
        Encrypted = encrypted;
    }

    public byte[] Document { get; }

    /// <summary>The encrypted values, in document order.</summary>
    public IReadOnlyList<JsonNode> Encrypted { get; }

    /// <summary>The distinct ciphertexts to send (without the marker), in document order.</summary>
    public IReadOnlyList<string> Ciphertexts => [.. Encrypted.Select(n => EncryptedValueMarker.Strip(n.StringValue!)).Distinct(StringComparer.Ordinal)];

    /// <exception cref="JsonSyntaxException">The file is not valid JSON.</exception>
    /// <exception cref="CliException">The root is not an object, a key selects nothing, or a selected value is not encrypted.</exception>
    public static JsonRewrapPlan Create(byte[] document, IReadOnlyList<ConfigPathPattern> patterns, string fileName)
    {
        var nodes = JsonDocumentScanner.Scan(document);
        if (nodes[0].Kind != JsonNodeKind.Object)
        {
            throw CliException.Input($"{fileName} is not a configuration file: its top level is {nodes[0].KindName}, not an object.");
        }

        if (patterns.Count == 0)
        {
            return new JsonRewrapPlan(document, [.. nodes.Where(n => n.IsString && EncryptedValueMarker.IsMarked(n.StringValue!))]);
        }

        var selected = KeySelector.Select(nodes, patterns, fileName);
        if (selected.FirstOrDefault(n => !EncryptedValueMarker.IsMarked(n.StringValue!)) is { } plain)
        {
            throw CliException.Input($"key '{plain.Path}' in {fileName} is not encrypted (no kamus: marker); encrypt it with 'kamus encrypt-json' instead.");
        }

        return new JsonRewrapPlan(document, selected);
    }

    /// <summary>The new document: every encrypted value replaced by <c>kamus:</c> + its new ciphertext.</summary>
    /// <param name="rewrapped">Old ciphertext → new ciphertext, for every one of <see cref="Ciphertexts"/>.</param>
    public byte[] Apply(IReadOnlyDictionary<string, string> rewrapped)
    {
        var updated = JsonSplicer.Splice(Document, Encrypted.Select(n =>
            (n, JsonStringLiteral.Encode(EncryptedValueMarker.Mark(rewrapped[EncryptedValueMarker.Strip(n.StringValue!)])))));

        // Belt and braces: never write a file the configuration loader could not read.
        JsonDocumentScanner.Scan(updated);
        return updated;
    }
}
