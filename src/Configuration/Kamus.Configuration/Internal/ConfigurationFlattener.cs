using System.Runtime.CompilerServices;
using Microsoft.Extensions.Configuration;

namespace Kamus.Configuration.Internal;

/// <summary>
/// Reads every key/value of loaded providers, later providers overriding earlier ones, as <see cref="ConfigurationRoot"/>
/// does: the framework's own providers through their <c>Data</c>, any other through the public
/// <see cref="IConfigurationProvider"/> surface.
/// </summary>
internal static class ConfigurationFlattener
{
    // These framework providers keep ConfigurationProvider's own TryGet and GetChildKeys, which serve exactly their
    // Data: reading Data directly gives the same keys and values in linear time. Walking them through GetChildKeys
    // costs a scan and a sort of every key per level (about 3 ms for 1,000 values, as much as decrypting them).
    // Subclasses and any other provider are walked through the public surface.
    private static readonly HashSet<string> DataBackedProviders = new(StringComparer.Ordinal)
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
            if (provider is ConfigurationProvider dataBacked && DataBackedProviders.Contains(provider.GetType().FullName ?? ""))
            {
                foreach (var (key, value) in GetData(dataBacked))
                {
                    result[key] = value;
                }
            }
            else
            {
                Collect(provider, null, result);
            }
        }

        return result;
    }

    // ConfigurationProvider.Data is protected (the documented store of every provider built on it); no reflection.
    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "get_Data")]
    private static extern IDictionary<string, string?> GetData(ConfigurationProvider provider);

    private static void Collect(IConfigurationProvider provider, string? parentPath, Dictionary<string, string?> into)
    {
        // GetChildKeys returns one entry per descendant key, so the same segment comes back many times.
        var children = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var child in provider.GetChildKeys([], parentPath))
        {
            if (!children.Add(child))
            {
                continue;
            }

            var path = parentPath is null ? child : ConfigurationPath.Combine(parentPath, child);
            if (provider.TryGet(path, out var value))
            {
                into[path] = value;
            }

            Collect(provider, path, into);
        }
    }
}
