using Kamus.Configuration.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;

namespace Kamus.Configuration.Tests.Unit;

/// <summary>The flattener reads every key, including keys that have both a value and children, whatever the provider lists.</summary>
public sealed class FlattenerTests
{
    private static readonly Dictionary<string, string?> Keys = new()
    {
        ["A"] = "a",
        ["A:B"] = "ab",
        ["A:C:D"] = "acd",
        ["Solo"] = "s",
        ["Deep:Only:Leaf"] = "dol",
        ["List:0"] = "l0",
        ["List:1"] = "l1",
        ["Empty"] = null,
    };

    [Fact]
    public void Reads_every_key_of_a_framework_provider()
    {
        var provider = new MemoryConfigurationProvider(new MemoryConfigurationSource { InitialData = Keys });

        var flat = ConfigurationFlattener.Flatten([provider]);

        Assert.Equal(Keys.OrderBy(p => p.Key), flat.OrderBy(p => p.Key));
    }

    [Fact]
    public void Reads_every_key_of_a_provider_that_lists_each_child_once()
    {
        var provider = new DistinctListingProvider(Keys);

        var flat = ConfigurationFlattener.Flatten([provider]);

        Assert.Equal(Keys.OrderBy(p => p.Key), flat.OrderBy(p => p.Key));
    }

    [Fact]
    public void Later_providers_override_earlier_ones()
    {
        var first = new MemoryConfigurationProvider(new MemoryConfigurationSource { InitialData = Keys });
        var second = new DistinctListingProvider(new Dictionary<string, string?> { ["a:b"] = "override" });

        var flat = ConfigurationFlattener.Flatten([first, second]);

        Assert.Equal("override", flat["A:B"]);
        Assert.Equal("a", flat["A"]);
    }

    /// <summary>A provider whose GetChildKeys answers each child segment once (as a chained configuration does).</summary>
    private sealed class DistinctListingProvider : ConfigurationProvider
    {
        public DistinctListingProvider(IDictionary<string, string?> data)
        {
            foreach (var (key, value) in data)
            {
                Data[key] = value;
            }
        }

        public override IEnumerable<string> GetChildKeys(IEnumerable<string> earlierKeys, string? parentPath) =>
            base.GetChildKeys(earlierKeys, parentPath).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }
}
