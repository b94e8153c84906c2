using System.Text.RegularExpressions;

namespace Kamus.Deploy.Tests.Rendering;

/// <summary>The pod spec that docs/configuration.md tells users to write: the decryptor URL and the token's audience.</summary>
internal sealed partial record DocsPodSpec(Uri KamusUrl, string Audience)
{
    public static DocsPodSpec Read()
    {
        var text = File.ReadAllText(RepositoryPaths.File("docs", "configuration.md"));
        var url = KamusUrlPattern().Match(text);
        var audience = AudiencePattern().Match(text);
        Assert.True(url.Success, "docs/configuration.md's pod spec sets no KAMUS_URL");
        Assert.True(audience.Success, "docs/configuration.md's pod spec mounts no audience-bound token");
        return new DocsPodSpec(new Uri(url.Groups["url"].Value), audience.Groups["audience"].Value);
    }

    [GeneratedRegex(@"name: KAMUS_URL, value: ""(?<url>[^""]+)""")]
    private static partial Regex KamusUrlPattern();

    [GeneratedRegex(@"^\s+audience: (?<audience>\S+)", RegexOptions.Multiline)]
    private static partial Regex AudiencePattern();
}
