using Xunit;

namespace Kamus.Testing;

/// <summary>A fact about Unix file modes: skipped on Windows, where there are none to check.</summary>
public sealed class UnixFactAttribute : FactAttribute
{
    public UnixFactAttribute()
    {
        if (OperatingSystem.IsWindows())
        {
            Skip = "Unix file modes do not exist on Windows.";
        }
    }
}
