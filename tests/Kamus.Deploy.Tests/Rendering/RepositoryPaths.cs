namespace Kamus.Deploy.Tests.Rendering;

/// <summary>Paths in the repository the tests run from.</summary>
internal static class RepositoryPaths
{
    public static readonly string Root = FindRoot();

    public static string Kustomize(string relative = "") => Path.Combine(Root, "deploy", "kubernetes", relative);

    public static string Chart => Path.Combine(Root, "deploy", "helm", "kamus");

    public static string ChartValues(string file) => Path.Combine(Chart, "ci", file);

    /// <summary>The chart's ci/ values files matching <paramref name="pattern"/>, by name, as theory data.</summary>
    public static TheoryData<string> ChartValuesFiles(string pattern = "*.yaml") =>
        new(Directory.EnumerateFiles(Path.Combine(Chart, "ci"), pattern).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal));

    public static string File(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(directory.FullName, "Kamus.Client.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException("Kamus.Client.sln was not found above the test output directory.");
    }
}
