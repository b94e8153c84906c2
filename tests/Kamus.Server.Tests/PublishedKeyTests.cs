using Kamus.Testing;
using Microsoft.Extensions.Logging;

namespace Kamus.Server.Tests;

/// <summary>Upstream's chart shipped a default AES key; a server using it still starts (old values) but says so loudly.</summary>
public sealed class PublishedKeyTests
{
    private const string PublishedKey = "rWnWbaFutavdoeqUiVYMNJGvmjQh31qaIej/vAxJ9G0=";

    [Theory]
    [InlineData("KeyManagement:AES:Key")]
    [InlineData("KeyManagement:KeyRing:Keys:old")]
    public async Task The_published_upstream_key_is_named_in_a_warning_at_start_never_shown(string setting)
    {
        await using var host = await KamusServerHost.StartAsync(o => o.Settings[setting] = PublishedKey);

        var warning = Assert.Single(host.Logs.GetSnapshot(), r => r.Message.Contains("Helm chart published", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains(setting, warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(host.Logs.GetSnapshot(), r => r.Message.Contains(PublishedKey, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Any_other_key_gets_no_such_warning()
    {
        await using var host = await KamusServerHost.StartAsync();

        Assert.DoesNotContain(host.Logs.GetSnapshot(), r => r.Message.Contains("Helm chart published", StringComparison.Ordinal));
    }
}
