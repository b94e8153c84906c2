namespace Kamus.Server.Tests.Support;

/// <summary>A fact that reads Linux's <c>/proc</c>: skipped (reported as skipped, not passed) elsewhere.</summary>
public sealed class LinuxFactAttribute : FactAttribute
{
    public LinuxFactAttribute()
    {
        if (!OperatingSystem.IsLinux())
        {
            Skip = "reads /proc/self/mem, which only Linux has";
        }
    }
}
