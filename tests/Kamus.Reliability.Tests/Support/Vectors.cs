using System.Text.Json;

namespace Kamus.Reliability.Tests.Support;

/// <summary>The upstream compatibility vectors (tests/TestData/kamus-v1-vectors.json), made by the upstream Kamus code.</summary>
public static class Vectors
{
    private static readonly Lazy<Vector[]> Loaded = new(Load);

    public static IReadOnlyList<Vector> All => Loaded.Value;

    private static Vector[] Load()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "kamus-v1-vectors.json")));
        return [.. doc.RootElement.GetProperty("vectors").EnumerateArray()
            .Select(v => new Vector(v.GetProperty("mode").GetString()!, v.GetProperty("id").GetString()!, v.GetProperty("plaintext").GetString()!, v.GetProperty("ciphertext").GetString()!))];
    }

    public sealed record Vector(string Mode, string Id, string Plaintext, string Ciphertext)
    {
        public string Namespace => Id.Split(':')[0];

        public string ServiceAccount => Id.Split(':')[1];
    }
}
