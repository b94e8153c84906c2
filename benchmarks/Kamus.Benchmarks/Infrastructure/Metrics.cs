namespace Kamus.Benchmarks.Infrastructure;

/// <summary>
/// Figures a benchmark measures itself (remote calls, server allocations) and hands to the summary table. Benchmarks run
/// in child processes: they append to a file named by <see cref="FileVariable"/>, which <see cref="KamusMetricColumn"/> reads
/// in the host process when the table is printed.
/// </summary>
internal static class Metrics
{
    /// <summary>The environment variable naming the metrics file (set by <c>Program</c>, inherited by child processes).</summary>
    public const string FileVariable = "KAMUS_BENCH_METRICS";

    private static readonly Lock Gate = new();

    /// <summary>The key of one benchmark case: method and parameters, e.g. <c>Envelopes|N=1000</c>.</summary>
    public static string Key(string method, params (string Name, object Value)[] parameters) =>
        method + "|" + string.Join(",", parameters.Select(p => $"{p.Name}={p.Value}"));

    /// <summary>Records a figure, and prints it (it shows in the benchmark log).</summary>
    public static void Record(string key, string column, string value)
    {
        Console.WriteLine($"// kamus-metric {key} {column} = {value}");
        if (Environment.GetEnvironmentVariable(FileVariable) is not { Length: > 0 } path)
        {
            return;
        }

        lock (Gate)
        {
            File.AppendAllText(path, $"{key}\t{column}\t{value}{Environment.NewLine}");
        }
    }

    /// <summary>The last value recorded for a key and column.</summary>
    public static string? Read(string key, string column)
    {
        if (Environment.GetEnvironmentVariable(FileVariable) is not { Length: > 0 } path || !File.Exists(path))
        {
            return null;
        }

        string? value = null;
        foreach (var line in File.ReadLines(path))
        {
            var parts = line.Split('\t');
            if (parts.Length == 3 && parts[0] == key && parts[1] == column)
            {
                value = parts[2];
            }
        }

        return value;
    }

    /// <summary>BenchmarkDotNet's results folder (next to the metrics file), created; <see langword="null"/> when no metrics file is set.</summary>
    public static string? ResultsDirectory =>
        Environment.GetEnvironmentVariable(FileVariable) is { Length: > 0 } path && Path.GetDirectoryName(path) is { } artifacts
            ? Directory.CreateDirectory(Path.Combine(artifacts, "results")).FullName
            : null;

    /// <summary>Whether the short CI mode is on (<c>--ci</c>).</summary>
    public static bool IsCiMode => Environment.GetEnvironmentVariable("KAMUS_BENCH_CI") == "1";
}
