using Microsoft.Extensions.Configuration;

namespace Kamus.Configuration.Internal;

/// <summary>
/// Reads every key/value of loaded providers through the public <see cref="IConfigurationProvider"/> surface (their
/// <c>Data</c> is protected), later providers overriding earlier ones, as <see cref="ConfigurationRoot"/> does.
/// </summary>
internal static class ConfigurationFlattener
{
    public static Dictionary<string, string?> Flatten(IEnumerable<IConfigurationProvider> providers)
    {
        var result = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var provider in providers)
        {
            Collect(provider, null, result);
        }

        return result;
    }

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
