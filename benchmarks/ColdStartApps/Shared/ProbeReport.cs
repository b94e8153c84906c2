using System.Diagnostics;
using System.Runtime;
using System.Security.Cryptography;
using System.Text;

namespace Kamus.ColdStart;

/// <summary>
/// What a cold-start app reports to the harness (benchmarks/Kamus.Benchmarks/ColdStart), on one line of standard output,
/// after the measured region: the time from the first line of Main to the configuration read in full, the methods the
/// JIT compiled in that time, the assemblies loaded by then, and a digest of the configuration read (so that a wrong
/// or missing plaintext fails the run instead of making it look fast). Nothing here runs inside the measured region.
/// </summary>
internal static class ProbeReport
{
    public const string LinePrefix = "kamus-cold-start";

    /// <summary>The variable naming a file to write the loaded assemblies' names to, one per line.</summary>
    public const string AssembliesFileVariable = "KAMUS_COLD_START_ASSEMBLIES";

    /// <summary>The start of the measured region: the clock and the JIT's counters (the first line of Main).</summary>
    public static (long Timestamp, long JitMethods, TimeSpan JitTime) Start() =>
        (Stopwatch.GetTimestamp(), System.Runtime.JitInfo.GetCompiledMethodCount(), System.Runtime.JitInfo.GetCompilationTime());

    /// <summary>Writes the report; <paramref name="values"/> is read only now, after the clock stopped.</summary>
    /// <param name="start">What <see cref="Start"/> returned.</param>
    /// <param name="values">The configuration read.</param>
    /// <param name="laterBuildMs">For an app that built its configuration several times: the median of the builds after the first.</param>
    public static void Write((long Timestamp, long JitMethods, TimeSpan JitTime) start, IEnumerable<KeyValuePair<string, string?>> values, double? laterBuildMs = null)
    {
        var elapsed = Stopwatch.GetElapsedTime(start.Timestamp);
        var jitted = System.Runtime.JitInfo.GetCompiledMethodCount() - start.JitMethods;
        var jitTime = System.Runtime.JitInfo.GetCompilationTime() - start.JitTime;
        var assemblies = AppDomain.CurrentDomain.GetAssemblies();
        if (Environment.GetEnvironmentVariable(AssembliesFileVariable) is { Length: > 0 } path)
        {
            File.WriteAllLines(path, assemblies.Select(a => a.GetName().Name ?? "?").Order(StringComparer.Ordinal));
        }

        var digest = Digest(values);
        var later = laterBuildMs is { } ms ? FormattableString.Invariant($" later_build_ms={ms:0.000}") : "";
        Console.WriteLine(FormattableString.Invariant(
            $"{LinePrefix} elapsed_us={elapsed.Ticks / 10} jit_methods={jitted} jit_ms={jitTime.TotalMilliseconds:0.0} assemblies={assemblies.Length} gc={GCSettings.IsServerGC} digest={digest}{later}"));
    }

    /// <summary>SHA-256 of the non-null key=value lines in ordinal key order (16 hex digits): the harness computes it over its plaintexts.</summary>
    public static string Digest(IEnumerable<KeyValuePair<string, string?>> values)
    {
        var text = new StringBuilder();
        foreach (var (key, value) in values.Where(p => p.Value is not null).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            text.Append(key).Append('=').Append(value).Append('\n');
        }

        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16];
    }
}
