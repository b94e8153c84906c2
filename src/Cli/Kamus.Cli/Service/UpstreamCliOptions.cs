using System.CommandLine;

namespace Kamus.Cli.Service;

/// <summary>
/// Upstream kamus-cli 0.3.x's logging and output options, accepted on every command so that existing scripts keep
/// working. This tool writes results to standard output and messages to standard error, uncoloured, so they change
/// nothing: one note on standard error says so. (Its <c>-v</c> means <c>--verbose</c> and <c>-V</c>
/// <c>--version</c>, as upstream's; the root command wires those.)
/// </summary>
internal sealed class UpstreamCliOptions
{
    private readonly Option<string>[] _valued =
    [
        new("--log-flag") { Description = "kamus-cli log format (accepted for compatibility; ignored).", Recursive = true },
        new("--log-output") { Description = "kamus-cli log file (accepted for compatibility; ignored: messages go to standard error).", Recursive = true },
        new("--log-encoding") { Description = "kamus-cli log file encoding (accepted for compatibility; ignored).", Recursive = true },
        new("--log-level") { Description = "kamus-cli log level (accepted for compatibility; ignored: use --verbose for details).", Recursive = true },
    ];

    private readonly Option<bool>[] _switches =
    [
        new("--quiet") { Description = "kamus-cli switch (accepted for compatibility; ignored).", Recursive = true },
        new("--silent") { Description = "kamus-cli switch (accepted for compatibility; ignored).", Recursive = true },
        new("--no-color") { Description = "kamus-cli switch (accepted for compatibility; this tool never colours its output).", Recursive = true },
    ];

    public void AddTo(Command command)
    {
        foreach (var option in _valued)
        {
            command.Options.Add(option);
        }

        foreach (var option in _switches)
        {
            command.Options.Add(option);
        }
    }

    /// <summary>Writes one note naming the options given, if any.</summary>
    public void NoteIfUsed(ParseResult parseResult, CliConsole console)
    {
        var used = _valued.Where(o => parseResult.GetResult(o) is { Implicit: false }).Select(o => o.Name)
            .Concat(_switches.Where(o => parseResult.GetResult(o) is { Implicit: false }).Select(o => o.Name))
            .ToList();
        if (used.Count > 0)
        {
            console.Info($"kamus: note: {string.Join(", ", used)} accepted for kamus-cli compatibility and ignored (results go to standard output, messages to standard error).");
        }
    }
}
