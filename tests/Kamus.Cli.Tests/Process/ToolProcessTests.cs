using Kamus.Cli.Tests.Support;
using Kamus.Testing;

namespace Kamus.Cli.Tests.Process;

/// <summary>The built tool as a process: real console streams, real exit codes.</summary>
public sealed class ToolProcessTests
{
    [Fact]
    public async Task Inspect_runs_as_a_process_with_results_on_stdout_and_messages_on_stderr()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("appsettings.json", """{ "Db": { "Password": "hunter2" } }""");

        var result = await ToolProcess.RunAsync(["inspect", path, "--fail-on-plaintext"]);

        Assert.Equal(ExitCodes.PlaintextFound, result.ExitCode);
        Assert.Empty(result.Stdout);
        Assert.Contains("Db:Password looks like a secret but is plaintext", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_usage_error_is_one_line_and_exit_code_1()
    {
        var result = await ToolProcess.RunAsync(["encrypt", "-n", "prod"]);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Empty(result.Stdout);
        Assert.Equal("kamus: error: Option '--service-account' is required. See 'kamus encrypt --help'.", result.Stderr.TrimEnd());
    }

    [Fact]
    public async Task Help_names_the_tool_kamus()
    {
        var result = await ToolProcess.RunAsync(["--help"]);

        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        Assert.Contains("kamus [command] [options]", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("encrypt-json", result.Stdout, StringComparison.Ordinal);
    }
}
