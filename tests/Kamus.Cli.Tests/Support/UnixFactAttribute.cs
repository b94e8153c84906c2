namespace Kamus.Cli.Tests.Support;

/// <summary>A fact about Unix file modes and owners: skipped (reported as skipped) on Windows, and without root when it gives files away.</summary>
public sealed class UnixFactAttribute : FactAttribute
{
    public UnixFactAttribute(bool needsRoot = false)
    {
        if (OperatingSystem.IsWindows())
        {
            Skip = "Unix file modes and owners only";
        }
        else if (needsRoot && !Environment.IsPrivilegedProcess)
        {
            Skip = "only root can give a file to another user";
        }
    }
}
