using Kamus.Client;
using Kamus.Configuration.Internal;

namespace Kamus.Configuration.Tests.Unit;

public sealed class SecretOutcomeTests
{
    [Fact]
    public void Never_prints_the_plaintext()
    {
        var success = new SecretOutcome("hunter2", default);
        var failure = new SecretOutcome(null, KamusErrorKind.Forbidden);

        Assert.DoesNotContain("hunter2", success.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", $"{success}", StringComparison.Ordinal);
        Assert.Contains("Forbidden", failure.ToString(), StringComparison.Ordinal);
    }
}
