using Xunit;

namespace Kamus.Testing;

/// <summary>A fact about Unix file modes: skipped on Windows, where there are none to check.</summary>
public sealed class UnixFactAttribute : FactAttribute
{
    /// <param name="needsRoot">Also skipped without root (a test that gives files to another owner).</param>
    public UnixFactAttribute(bool needsRoot = false)
    {
        if (OperatingSystem.IsWindows())
        {
            Skip = "Unix file modes do not exist on Windows.";
        }
        else if (needsRoot && !Environment.IsPrivilegedProcess)
        {
            Skip = "only root can give a file to another user";
        }
    }
}
