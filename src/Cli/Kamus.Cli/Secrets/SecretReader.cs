namespace Kamus.Cli.Secrets;

/// <summary>Where <c>kamus encrypt</c> takes the secret from.</summary>
/// <param name="Inline">The value of <c>--secret</c>.</param>
/// <param name="FilePath">The value of <c>--secret-file</c>.</param>
/// <param name="FileEncoding">The value of <c>--secret-file-encoding</c>.</param>
/// <param name="AllowNewLine">The value of <c>--ignore-new-line</c>.</param>
internal sealed record SecretSource(string? Inline, string? FilePath, string FileEncoding, bool AllowNewLine)
{
    public override string ToString() => FilePath ?? (Inline is null ? "stdin" : "--secret");
}

/// <summary>
/// Reads the secret from exactly one source: <c>--secret</c> (warned about), <c>--secret-file</c>, or standard input.
/// Never prompts, so it works without a terminal.
/// </summary>
internal static class SecretReader
{
    /// <exception cref="CliException">No source or two sources, an unreadable file, or a newline without --ignore-new-line.</exception>
    public static async Task<string> ReadAsync(SecretSource source, CliConsole console, CancellationToken cancellationToken)
    {
        string secret;
        if (source.Inline is not null && source.FilePath is not null)
        {
            throw CliException.Usage("give the secret once: --secret or --secret-file, not both.");
        }

        if (source.Inline is not null)
        {
            console.Warning("--secret leaves the secret in your shell history and the process list; prefer standard input or --secret-file.");
            secret = source.Inline;
        }
        else if (source.FilePath is not null)
        {
            secret = SecretFileEncoding.Decode(Files.InputFile.ReadAllBytes(source.FilePath), source.FileEncoding, source.FilePath);
        }
        else if (console.Environment.IsInputTerminal)
        {
            throw CliException.Usage("no secret given: pipe it on standard input (printf '%s' \"$SECRET\" | kamus encrypt ...), or give --secret-file.");
        }
        else
        {
            secret = await console.Input.ReadToEndAsync(cancellationToken);
        }

        if (secret.Length == 0)
        {
            // A value like any other (upstream's API and kamus-cli encrypt it), but often an unset variable: say so.
            console.Warning($"the secret from {source} is empty; encrypting the empty string.");
        }

        if (!source.AllowNewLine && secret.AsSpan().IndexOfAny('\n', '\r') >= 0)
        {
            throw CliException.Input($"the secret from {source} contains a newline (a trailing one often comes from echo or an editor); remove it (printf '%s', echo -n) or give --ignore-new-line (-i) to encrypt it as it is.");
        }

        return secret;
    }
}
