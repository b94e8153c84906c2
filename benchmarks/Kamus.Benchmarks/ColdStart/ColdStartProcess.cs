using System.Diagnostics;
using System.Globalization;
using Kamus.ColdStart;

namespace Kamus.Benchmarks.ColdStart;

/// <summary>One fresh process of a cold-start app, as the app reported it and as this process saw it.</summary>
/// <param name="MainToReadMs">From the app's first line of Main to its configuration read in full.</param>
/// <param name="ProcessMs">From starting the process to its exit (runtime start-up and shut-down included), seen from here.</param>
/// <param name="JitMethods">Methods the JIT compiled between those two points of Main.</param>
/// <param name="JitMs">Time the JIT spent on them.</param>
/// <param name="Assemblies">Assemblies loaded when the configuration had been read.</param>
/// <param name="Digest">The digest of the configuration the app read.</param>
/// <param name="LaterBuildMs">For the repeat variants: the median of the builds after the first.</param>
internal sealed record ColdStartRun(double MainToReadMs, double ProcessMs, int JitMethods, double JitMs, int Assemblies, string Digest, double? LaterBuildMs);

/// <summary>Starts a cold-start app with <c>dotnet app.dll</c> (as a container entry point does) and reads its report.</summary>
internal static class ColdStartProcess
{
    public static ColdStartRun Run(string app, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string?> environment, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(app);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Only what a pod would have: nothing of this benchmark's own settings, no Kamus__ overrides.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("KAMUS", StringComparison.OrdinalIgnoreCase) || k.StartsWith("Kamus__", StringComparison.OrdinalIgnoreCase) || k.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase) || k.StartsWith("DOTNET_", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var started = Stopwatch.GetTimestamp();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("The cold-start app did not start.");
        var errors = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The cold-start app {Path.GetFileName(app)} {string.Join(' ', arguments.Take(1))} did not finish within {timeout}.");
        }

        var processMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var report = output.GetAwaiter().GetResult().Split('\n').FirstOrDefault(l => l.StartsWith(ProbeReport.LinePrefix, StringComparison.Ordinal));
        if (process.ExitCode != 0 || report is null)
        {
            throw new InvalidOperationException($"The cold-start app {Path.GetFileName(app)} {arguments[0]} failed (exit code {process.ExitCode}): {errors.GetAwaiter().GetResult()}");
        }

        var fields = report.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(f => f.Split('=', 2)).ToDictionary(f => f[0], f => f[1]);
        return new ColdStartRun(
            MainToReadMs: long.Parse(fields["elapsed_us"], CultureInfo.InvariantCulture) / 1000.0,
            ProcessMs: processMs,
            JitMethods: int.Parse(fields["jit_methods"], CultureInfo.InvariantCulture),
            JitMs: double.Parse(fields["jit_ms"], CultureInfo.InvariantCulture),
            Assemblies: int.Parse(fields["assemblies"], CultureInfo.InvariantCulture),
            Digest: fields["digest"],
            LaterBuildMs: fields.TryGetValue("later_build_ms", out var later) ? double.Parse(later, CultureInfo.InvariantCulture) : null);
    }

    // The dotnet host that runs this process (DOTNET_HOST_PATH under dotnet run), else the one on PATH.
    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}
