namespace Kamus.AotSample;

/// <summary>One line per step: its name and whether the plaintext came back unchanged (never the plaintext itself).</summary>
internal static class Report
{
    public static int ExitCode { get; private set; }

    public static void Step(string name, bool matched)
    {
        Console.WriteLine($"  {name,-32} {(matched ? "ok" : "MISMATCH")}");
        if (!matched)
        {
            ExitCode = 1;
        }
    }
}
