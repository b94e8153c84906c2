using System.Text.RegularExpressions;

namespace Kamus.Docs.Tests;

/// <summary>One fenced C# block of a Markdown file.</summary>
/// <param name="File">The file, relative to the repository root.</param>
/// <param name="Line">The line of the opening fence.</param>
/// <param name="Code">The block's text.</param>
public sealed record MarkdownSnippet(string File, int Line, string Code)
{
    public override string ToString() => $"{File}:{Line}";
}

/// <summary>Finds the documentation and its C# blocks.</summary>
public static partial class MarkdownSnippets
{
    /// <summary>The repository root: the folder of Kamus.Client.sln above the test's output folder.</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>README.md, docs/*.md and the README of every package.</summary>
    public static IEnumerable<string> DocumentationFiles()
    {
        yield return Path.Combine(RepositoryRoot, "README.md");
        foreach (var file in Directory.GetFiles(Path.Combine(RepositoryRoot, "docs"), "*.md").Order(StringComparer.Ordinal))
        {
            yield return file;
        }

        foreach (var file in PackageReadmes())
        {
            yield return file;
        }
    }

    /// <summary>The README.md next to each project under src/.</summary>
    public static IEnumerable<string> PackageReadmes() =>
        Directory.GetFiles(Path.Combine(RepositoryRoot, "src"), "README.md", SearchOption.AllDirectories)
            .Where(file => !file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);

    /// <summary>Every ```csharp (or ```cs) block of <paramref name="path"/>.</summary>
    public static IEnumerable<MarkdownSnippet> In(string path)
    {
        var text = File.ReadAllText(path).ReplaceLineEndings("\n");
        var relative = Path.GetRelativePath(RepositoryRoot, path).Replace('\\', '/');
        foreach (Match match in Fence().Matches(text))
        {
            var line = text.AsSpan(0, match.Index).Count('\n') + 1;
            yield return new MarkdownSnippet(relative, line, match.Groups["code"].Value);
        }
    }

    [GeneratedRegex(@"^```(?:csharp|cs|c#)[ \t]*\n(?<code>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex Fence();

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Kamus.Client.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No Kamus.Client.sln above {AppContext.BaseDirectory}.");
    }
}
