using System.Globalization;

namespace Kamus.Reliability.Tests.Support;

/// <summary>
/// The suite's two modes. CI (default) runs a quick subset; <c>KAMUS_RELIABILITY_LONG=1</c> runs the long mode.
/// Generated inputs come from a seeded <see cref="Random"/>: <c>KAMUS_RELIABILITY_SEED</c> replays a run, and every
/// failure message names the seed.
/// </summary>
public static class ReliabilityMode
{
    /// <summary>The switch of the long mode.</summary>
    public const string LongVariable = "KAMUS_RELIABILITY_LONG";

    /// <summary>Replays a run with a given seed.</summary>
    public const string SeedVariable = "KAMUS_RELIABILITY_SEED";

    public static bool IsLong { get; } = Environment.GetEnvironmentVariable(LongVariable) is "1" or "true";

    public static int Seed { get; } = int.TryParse(Environment.GetEnvironmentVariable(SeedVariable), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed)
        ? seed
        : System.Random.Shared.Next();

    public static string Mode => IsLong ? "long" : "CI";

    /// <summary>The CI count or the long-mode count.</summary>
    public static int Count(int ci, int longMode) => IsLong ? longMode : ci;

    /// <summary>A generator for one test, derived from the run's seed and the test's name (so tests don't share a stream).</summary>
    public static Random Generator(string test) => new(Seed ^ StableHash(test));

    /// <summary>Text for assertion messages: how to replay.</summary>
    public static string Replay => $"(mode {Mode}, replay with {SeedVariable}={Seed})";

    private static int StableHash(string text)
    {
        var hash = 17;
        foreach (var c in text)
        {
            hash = unchecked((hash * 31) + c);
        }

        return hash;
    }
}
