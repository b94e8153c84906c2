using System.Globalization;
using System.Text;

namespace Kamus.Reliability.Tests.Support;

/// <summary>
/// Records the figures of a run (cases tried, outcomes, load numbers): to the test output and to
/// <c>reliability-figures.md</c> next to the test assembly, which docs/reliability.md is written from.
/// Figures are recorded, never asserted.
/// </summary>
public static class Figures
{
    private static readonly Lock Gate = new();

    public static string FilePath { get; } = Path.Combine(AppContext.BaseDirectory, "reliability-figures.md");

    public static void Record(ITestOutputHelper output, string @case, string text)
    {
        var line = string.Create(CultureInfo.InvariantCulture, $"| {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm:ss}Z | {ReliabilityMode.Mode} | seed {ReliabilityMode.Seed} | {@case} | {text} |");
        output.WriteLine(line);
        lock (Gate)
        {
            File.AppendAllText(FilePath, line + Environment.NewLine, new UTF8Encoding(false));
        }
    }
}
