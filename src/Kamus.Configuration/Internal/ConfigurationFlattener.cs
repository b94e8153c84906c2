using Microsoft.Extensions.Configuration;

namespace Kamus.Configuration.Internal;

/// <summary>
/// Reads every key/value of loaded providers through the public <see cref="IConfigurationProvider"/> surface (their
/// <c>Data</c> is protected), later providers overriding earlier ones, as <see cref="ConfigurationRoot"/> does.
/// </summary>
internal static class ConfigurationFlattener
{
    // These framework providers keep ConfigurationProvider.GetChildKeys, which lists one segment per key under the
    // parent (duplicates included). For them a segment listed once whose path has a value is that key alone, a leaf,
    // and asking for its children (a scan of every key) can be skipped: without this, N values cost N full scans.
    // Any other provider, subclasses of these included, is walked in full.
    private static readonly HashSet<string> PerKeyListingProviders = new(StringComparer.Ordinal)
    {
        "Microsoft.Extensions.Configuration.Memory.MemoryConfigurationProvider",
        "Microsoft.Extensions.Configuration.Json.JsonConfigurationProvider",
        "Microsoft.Extensions.Configuration.Json.JsonStreamConfigurationProvider",
        "Microsoft.Extensions.Configuration.EnvironmentVariables.EnvironmentVariablesConfigurationProvider",
        "Microsoft.Extensions.Configuration.CommandLine.CommandLineConfigurationProvider",
        "Microsoft.Extensions.Configuration.KeyPerFile.KeyPerFileConfigurationProvider",
        "Microsoft.Extensions.Configuration.Ini.IniConfigurationProvider",
        "Microsoft.Extensions.Configuration.Ini.IniStreamConfigurationProvider",
        "Microsoft.Extensions.Configuration.Xml.XmlConfigurationProvider",
        "Microsoft.Extensions.Configuration.Xml.XmlStreamConfigurationProvider",
    };

    public static Dictionary<string, string?> Flatten(IEnumerable<IConfigurationProvider> providers)
    {
        var result = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var provider in providers)
        {
            var perKeyListing = provider is ConfigurationProvider && PerKeyListingProviders.Contains(provider.GetType().FullName ?? "");
            Collect(provider, null, perKeyListing, result);
        }

        return result;
    }

    private static void Collect(IConfigurationProvider provider, string? parentPath, bool perKeyListing, Dictionary<string, string?> into)
    {
        // GetChildKeys returns one entry per descendant key, so the same segment comes back many times: count them.
        var children = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var order = new List<string>();
        foreach (var child in provider.GetChildKeys([], parentPath))
        {
            if (children.TryGetValue(child, out var count))
            {
                children[child] = count + 1;
            }
            else
            {
                children[child] = 1;
                order.Add(child);
            }
        }

        foreach (var child in order)
        {
            var path = parentPath is null ? child : ConfigurationPath.Combine(parentPath, child);
            var hasValue = provider.TryGet(path, out var value);
            if (hasValue)
            {
                into[path] = value;
            }

            if (perKeyListing && hasValue && children[child] == 1)
            {
                continue;
            }

            Collect(provider, path, perKeyListing, into);
        }
    }
}
