using System.Text.Json;
using Xunit;

namespace Kamus.Testing;

/// <summary>
/// The upstream compatibility vectors (tests/TestData/kamus-v1-vectors.json, copied from shared/compat and made by the
/// upstream Kamus code): its master key and one <see cref="Vector"/> per ciphertext. Test projects copy TestData/ to
/// their output (tests/Directory.Build.props).
/// </summary>
public static class CompatVectors
{
    private static readonly Lazy<(byte[] MasterKey, Vector[] Vectors)> Loaded = new(Load);

    public static byte[] MasterKey => Loaded.Value.MasterKey;

    public static IReadOnlyList<Vector> All => Loaded.Value.Vectors;

    /// <summary>The index of every vector, for <c>[MemberData]</c>.</summary>
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
        Vector[] vectors = [.. doc.RootElement.GetProperty("vectors").EnumerateArray()
            .Select(v => new Vector(v.GetProperty("mode").GetString()!, v.GetProperty("id").GetString()!, v.GetProperty("plaintext").GetString()!, v.GetProperty("ciphertext").GetString()!))];
        return (key, vectors);
    }

    /// <summary>One upstream ciphertext: its mode, the service account it was made for (<c>namespace:name</c>) and its plaintext.</summary>
    public sealed record Vector(string Mode, string Id, string Plaintext, string Ciphertext)
    {
        public string Namespace => Id.Split(':')[0];

        public string ServiceAccount => Id.Split(':')[1];

        public bool IsEnvelope => Mode.EndsWith("envelope", StringComparison.Ordinal);
    }
}
