using System.Text.Json;

namespace Kamus.Client.Tests.Formats;

/// <summary>The upstream vectors of shared/compat, made by the upstream Kamus code.</summary>
public static class CompatVectors
{
    private static readonly Lazy<(byte[] MasterKey, Vector[] Vectors)> Loaded = new(Load);

    public static byte[] MasterKey => Loaded.Value.MasterKey;

    public static IReadOnlyList<Vector> All => Loaded.Value.Vectors;

    public static TheoryData<int> Indexes()
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < All.Count; i++)
        {
            data.Add(i);
        }

        return data;
    }

    private static (byte[], Vector[]) Load()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "kamus-v1-vectors.json")));
        var key = Convert.FromBase64String(doc.RootElement.GetProperty("masterKey").GetString()!);
        var vectors = doc.RootElement.GetProperty("vectors").EnumerateArray()
            .Select(v => new Vector(v.GetProperty("mode").GetString()!, v.GetProperty("id").GetString()!, v.GetProperty("plaintext").GetString()!, v.GetProperty("ciphertext").GetString()!))
            .ToArray();
        return (key, vectors);
    }

    public sealed record Vector(string Mode, string Id, string Plaintext, string Ciphertext)
    {
        public string Namespace => Id.Split(':')[0];

        public string ServiceAccount => Id.Split(':')[1];

        public bool IsEnvelope => Mode.EndsWith("envelope", StringComparison.Ordinal);
    }
}
