using System.Diagnostics;

namespace Kamus.Deploy.Tests.Rendering;

/// <summary>The outcome of running helm or kubectl.</summary>
internal sealed record ToolResult(int ExitCode, string Output, string Error);

/// <summary>Runs helm or kubectl with a bounded time; helm gets its own cache and config folders.</summary>
internal static class ToolRun
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);
    private static readonly string HelmHome = Directory.CreateTempSubdirectory("kamus-helm-").FullName;

    public static ToolResult Run(string tool, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryPaths.Root,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Keep helm away from the user's repositories, plugins and cache.
        start.Environment["HELM_CACHE_HOME"] = Path.Combine(HelmHome, "cache");
        start.Environment["HELM_CONFIG_HOME"] = Path.Combine(HelmHome, "config");
        start.Environment["HELM_DATA_HOME"] = Path.Combine(HelmHome, "data");
        start.Environment["KUBECONFIG"] = Path.Combine(HelmHome, "no-cluster");

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(tool)} {string.Join(' ', start.ArgumentList)} ran longer than {Timeout}.");
        }

        return new ToolResult(process.ExitCode, output.GetAwaiter().GetResult(), error.GetAwaiter().GetResult());
    }

    /// <summary>Runs and returns standard output, failing with the tool's own error when it exits non-zero.</summary>
    public static string Succeed(string tool, IReadOnlyList<string> arguments)
    {
        var result = Run(tool, arguments);
        return result.ExitCode == 0
            ? result.Output
            : throw new InvalidOperationException($"{Path.GetFileName(tool)} {string.Join(' ', arguments)} exited {result.ExitCode}: {result.Error}");
    }
}
