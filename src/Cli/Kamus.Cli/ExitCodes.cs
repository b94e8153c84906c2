namespace Kamus.Cli;

/// <summary>The exit codes of the <c>kamus</c> tool (documented in <c>docs/cli.md</c>). They are stable: scripts rely on them.</summary>
internal static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Ok = 0;

    /// <summary>The command line is wrong: an unknown or missing option, conflicting options, an invalid name or URL.</summary>
    public const int Usage = 1;

    /// <summary>An input is wrong: a missing or unreadable file, invalid JSON, a key that does not exist, a secret with a newline.</summary>
    public const int Input = 2;

    /// <summary>The Kamus server refused the request (401, 403, 400, 413, 429 after retries).</summary>
    public const int ServerRefused = 3;

    /// <summary>The Kamus server could not be reached or trusted: network error, timeout, 5xx, certificate pin mismatch, unreadable answer.</summary>
    public const int Unreachable = 4;

    /// <summary><c>inspect --fail-on-plaintext</c> found a plaintext value under a likely secret name.</summary>
    public const int PlaintextFound = 5;

    /// <summary>A bug: an unexpected failure (run again with <c>--verbose</c> and report it).</summary>
    public const int InternalError = 70;

    /// <summary>The run was cancelled (Ctrl+C).</summary>
    public const int Cancelled = 130;
}
