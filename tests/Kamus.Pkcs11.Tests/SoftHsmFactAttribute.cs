using Kamus.Testing;

namespace Kamus.Pkcs11.Tests;

/// <summary>A fact that needs SoftHSM2: skipped, naming the install command, where SoftHSM2 is not installed.</summary>
public sealed class SoftHsmFactAttribute : FactAttribute
{
    public SoftHsmFactAttribute()
    {
        if (!SoftHsm.IsInstalled)
        {
            Skip = SoftHsm.MissingReason;
        }
    }
}

/// <summary>A theory that needs SoftHSM2: skipped, naming the install command, where SoftHSM2 is not installed.</summary>
public sealed class SoftHsmTheoryAttribute : TheoryAttribute
{
    public SoftHsmTheoryAttribute()
    {
        if (!SoftHsm.IsInstalled)
        {
            Skip = SoftHsm.MissingReason;
        }
    }
}
