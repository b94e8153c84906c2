using System.Globalization;
using System.Text;
using Kamus.Benchmarks.Infrastructure;

namespace Kamus.Benchmarks.ColdStart;

/// <summary>
/// The interleaved measurement: rounds of one fresh process per variant, in a new shuffled order each round (so that
/// a burst of load from the other work on the machine hits every variant alike), medians per variant. Records the
/// medians for the summary's columns and writes a report (table, loaded assemblies beyond the plain variant, machine
/// load before and after) to <c>BenchmarkDotNet.Artifacts/results/ColdStart-report.md</c>.
/// </summary>
internal static class ColdStartCampaign
{
    public const string Method = nameof(ColdStartBenchmarks.FreshProcess);

    /// <param name="fixture">The server and the apps.</param>
    /// <param name="rounds">Measured rounds.</param>
    /// <param name="thorough">A discarded first round (cold disk caches, the server's first requests of each kind), and one
    /// untimed run per variant listing the methods it JIT-compiles.</param>
    public static void Run(ColdStartFixture fixture, int rounds, bool thorough)
    {
        var variants = Enum.GetValues<ColdStartVariant>();
        var runs = variants.ToDictionary(v => v, _ => new List<ColdStartRun>());
        var assemblies = new Dictionary<ColdStartVariant, string[]>();
        var loadBefore = LoadAverage();
        var started = DateTimeOffset.UtcNow;
        var random = new Random(14);
        if (thorough)
        {
            foreach (var variant in variants.OrderBy(_ => random.Next()))
            {
                fixture.Run(variant);
            }
        }

        for (var round = 0; round < rounds; round++)
        {
            foreach (var variant in variants.OrderBy(_ => random.Next()))
            {
                var listFile = round == 0 ? Path.GetTempFileName() : null;
                runs[variant].Add(fixture.Run(variant, listFile));
                if (listFile is not null)
                {
                    assemblies[variant] = File.ReadAllLines(listFile);
                    File.Delete(listFile);
                }
            }
        }

        var loadAfter = LoadAverage();
        var jitted = new Dictionary<ColdStartVariant, string[]>();
        if (thorough)
        {
            foreach (var variant in variants)
            {
                var listFile = Path.GetTempFileName();
                fixture.Run(variant, jitListFile: listFile);
                jitted[variant] = File.ReadAllLines(listFile);
                if (Metrics.ResultsDirectory is { } resultsDirectory)
                {
                    File.Copy(listFile, Path.Combine(resultsDirectory, $"ColdStart-jit-{variant}.txt"), overwrite: true);
                    File.Copy(listFile + ".loads", Path.Combine(resultsDirectory, $"ColdStart-loads-{variant}.txt"), overwrite: true);
                }

                File.Delete(listFile);
                File.Delete(listFile + ".loads");
            }
        }

        var medians = variants.ToDictionary(v => v, v => Medians.Of(runs[v]));
        foreach (var variant in variants)
        {
            var key = Metrics.Key(Method, ("Variant", variant));
            var m = medians[variant];
            Metrics.Record(key, "Main→read", Ms(m.MainToReadMs));
            Metrics.Record(key, "Process", Ms(m.ProcessMs));
            Metrics.Record(key, "Over floor", OverFloor(variant, medians));
            Metrics.Record(key, "JIT methods", m.JitMethods.ToString(CultureInfo.InvariantCulture));
            Metrics.Record(key, "JIT time", Ms(m.JitMs));
            Metrics.Record(key, "Assemblies", m.Assemblies.ToString(CultureInfo.InvariantCulture));
            Metrics.Record(key, "Later builds", m.LaterBuildMs is { } later ? Ms(later) : "-");
        }

        var report = Report(medians, assemblies, rounds, started, loadBefore, loadAfter) + JitReport(jitted);
        Console.WriteLine(report);
        if (Metrics.ResultsDirectory is { } results)
        {
            File.WriteAllText(Path.Combine(results, "ColdStart-report.md"), report);
        }
    }

    // Kamus variants against the floor of the same N, in the same run: milliseconds above it and the ratio.
    private static string OverFloor(ColdStartVariant variant, Dictionary<ColdStartVariant, ColdStartRun> medians)
    {
        var floor = variant switch
        {
            ColdStartVariant.BundleN10 or ColdStartVariant.ValuesN10 or ColdStartVariant.BundleN10ReadyToRun => ColdStartVariant.FloorN10,
            ColdStartVariant.BundleN1000 or ColdStartVariant.ValuesN1000 or ColdStartVariant.BundleN1000ReadyToRun or ColdStartVariant.ValuesN1000ReadyToRun => ColdStartVariant.FloorN1000,
            ColdStartVariant.WebKamusN10 or ColdStartVariant.WebKamusN10ReadyToRun => ColdStartVariant.WebPlainN10,
            _ => (ColdStartVariant?)null,
        };
        if (floor is not { } f)
        {
            return "-";
        }

        var (kamus, baseline) = (medians[variant].MainToReadMs, medians[f].MainToReadMs);
        return FormattableString.Invariant($"{kamus - baseline:+0.0;-0.0} ms, {kamus / baseline:0.00}×");
    }

    private static string Report(Dictionary<ColdStartVariant, ColdStartRun> medians, Dictionary<ColdStartVariant, string[]> assemblies, int rounds, DateTimeOffset started, string loadBefore, string loadAfter)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"## Cold start: medians of {rounds} interleaved rounds of fresh processes");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"{started:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, .NET {Environment.Version}; load average before: {loadBefore}, after: {loadAfter}.");
        text.AppendLine();
        text.AppendLine("| Variant | Main→read | Process | Over floor (Main→read) | JIT methods | JIT time | Assemblies | Later builds |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (variant, m) in medians)
        {
            var later = m.LaterBuildMs is { } ms ? Ms(ms) : "-";
            text.AppendLine(CultureInfo.InvariantCulture, $"| {variant} | {Ms(m.MainToReadMs)} | {Ms(m.ProcessMs)} | {OverFloor(variant, medians)} | {m.JitMethods} | {Ms(m.JitMs)} | {m.Assemblies} | {later} |");
        }

        text.AppendLine();
        text.AppendLine("Assemblies loaded beyond the plain variant of the same app:");
        text.AppendLine();
        foreach (var (variant, names) in assemblies)
        {
            var plain = PlainOf(variant);
            if (variant != plain && assemblies.TryGetValue(plain, out var baseline))
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"- {variant}: {string.Join(", ", names.Except(baseline))}");
            }
        }

        return text.ToString();
    }

    // Whose code each variant JIT-compiles beyond the plain variant of its app, by namespace (two segments).
    private static string JitReport(Dictionary<ColdStartVariant, string[]> jitted)
    {
        if (jitted.Count == 0)
        {
            return "";
        }

        var text = new StringBuilder();
        text.AppendLine();
        text.AppendLine("Methods JIT-compiled beyond the plain variant of the same app, by namespace (an untimed run each, listed by the runtime's JIT events):");
        text.AppendLine();
        foreach (var (variant, methods) in jitted)
        {
            var plain = PlainOf(variant);
            if (variant == plain || !jitted.TryGetValue(plain, out var baseline))
            {
                continue;
            }

            var before = baseline.GroupBy(Owner).ToDictionary(g => g.Key, g => g.Count());
            var extra = methods.GroupBy(Owner)
                .Select(g => (Owner: g.Key, Count: g.Count() - before.GetValueOrDefault(g.Key)))
                .Where(g => g.Count > 0)
                .OrderByDescending(g => g.Count)
                .Take(14);
            text.AppendLine(CultureInfo.InvariantCulture, $"- {variant} (+{methods.Length - baseline.Length}): {string.Join(", ", extra.Select(g => $"{g.Owner} {g.Count}"))}");
        }

        return text.ToString();
    }

    // Whose code a compiled method is: the first of our or a package's names in it (a generic instantiation or an async
    // state machine belongs to the code that made it), else its namespace's first two segments.
    private static string Owner(string method)
    {
        foreach (var owner in Owners)
        {
            if (method.Contains(owner, StringComparison.Ordinal))
            {
                return owner.TrimEnd('.');
            }
        }

        var type = method[..method.IndexOf("::", StringComparison.Ordinal)];
        var generic = type.IndexOfAny(['`', '[']);
        var segments = (generic < 0 ? type : type[..generic]).Split('.');
        return segments.Length <= 2 ? string.Join('.', segments[..^1]) is { Length: > 0 } ns ? ns : type : string.Join('.', segments.Take(2));
    }

    private static readonly string[] Owners =
    [
        "Kamus.Configuration.", "Kamus.Client.", "Kamus.Wire.", "Polly.", "Microsoft.Extensions.Configuration.", "Microsoft.Extensions.Logging.",
        "Microsoft.Extensions.Options.", "Microsoft.Extensions.DependencyInjection.", "Microsoft.Extensions.Http.", "Microsoft.Extensions.Primitives.",
        "Microsoft.Extensions.", "System.ComponentModel.", "System.Net.Http.", "System.Text.Json.", "System.Diagnostics.",
    ];

    private static ColdStartVariant PlainOf(ColdStartVariant variant) =>
        variant.ToString().StartsWith("Web", StringComparison.Ordinal) ? ColdStartVariant.WebPlainN10
        : variant.ToString().Contains("N1000", StringComparison.Ordinal) ? ColdStartVariant.PlainN1000
        : ColdStartVariant.PlainN10;

    private static string Ms(double ms) => ms.ToString("0.0", CultureInfo.InvariantCulture) + " ms";

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    // Each figure's own median: a run's JIT count and time are medians too, not the figures of the median run.
    private static class Medians
    {
        public static ColdStartRun Of(List<ColdStartRun> runs) => new(
            Median(runs.Select(r => r.MainToReadMs)),
            Median(runs.Select(r => r.ProcessMs)),
            (int)Median(runs.Select(r => (double)r.JitMethods)),
            Median(runs.Select(r => r.JitMs)),
            (int)Median(runs.Select(r => (double)r.Assemblies)),
            runs[0].Digest,
            runs[0].LaterBuildMs is null ? null : Median(runs.Select(r => r.LaterBuildMs!.Value)));

        private static double Median(IEnumerable<double> values)
        {
            var sorted = values.Order().ToArray();
            return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
        }
    }
}
