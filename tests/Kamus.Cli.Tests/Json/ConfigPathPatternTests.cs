using Kamus.Cli.Json;

namespace Kamus.Cli.Tests.Json;

public sealed class ConfigPathPatternTests
{
    [Theory]
    [InlineData("ConnectionStrings:Orders", "ConnectionStrings:Orders", true)]
    [InlineData("connectionstrings:ORDERS", "ConnectionStrings:Orders", true)]
    [InlineData("ConnectionStrings:*", "ConnectionStrings:Orders", true)]
    [InlineData("ConnectionStrings:*", "ConnectionStrings:Orders:Extra", false)]
    [InlineData("ConnectionStrings:*", "ConnectionStrings", false)]
    [InlineData("*:Password", "Db:Password", true)]
    [InlineData("Hosts:1:Password", "Hosts:1:Password", true)]
    [InlineData("Hosts:*:Password", "Hosts:0:Password", true)]
    [InlineData("Db:Password", "Db:PasswordHint", false)]
    public void Matches_segments_case_insensitively_with_star_for_one_segment(string pattern, string key, bool expected) =>
        Assert.Equal(expected, ConfigPathPattern.Parse(pattern).Matches(key));

    [Theory]
    [InlineData("")]
    [InlineData("A::B")]
    [InlineData(":A")]
    [InlineData("A:")]
    [InlineData("Conn*")]
    public void Rejects_malformed_patterns_as_usage_errors(string pattern)
    {
        var error = Assert.Throws<CliException>(() => ConfigPathPattern.Parse(pattern));

        Assert.Equal(ExitCodes.Usage, error.ExitCode);
    }
}
