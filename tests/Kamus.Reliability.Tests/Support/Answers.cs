namespace Kamus.Reliability.Tests.Support;

/// <summary>What every server answer must look like, whatever was sent.</summary>
public static class Answers
{
    /// <summary>The statuses the API may answer: success or a typed refusal; never 500.</summary>
    public static readonly int[] Allowed = [200, 400, 401, 403, 413];

    /// <summary>Whether an error body is a short stable text without a stack trace or exception name.</summary>
    public static bool IsCleanError(string body) =>
        body.Length <= 200
        && !body.Contains("   at ", StringComparison.Ordinal)
        && !body.Contains("Exception", StringComparison.Ordinal)
        && !body.Contains(".cs:line", StringComparison.Ordinal);
}
