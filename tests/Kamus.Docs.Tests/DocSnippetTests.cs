using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Kamus.Docs.Tests;

/// <summary>
/// Every C# snippet of the documentation compiles as shown, against the real libraries: each block is the top-level
/// code of a program compiled with Snippets/SnippetContext.cs, the documented wrapper that supplies the usings and the
/// few names a fragment may use without declaring them. A snippet that needs anything else declares it.
/// </summary>
public sealed partial class DocSnippetTests
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
        [.. ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(path => path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            .Select(path => MetadataReference.CreateFromFile(path))]);

    private static readonly Lazy<SyntaxTree> Context = new(() => CSharpSyntaxTree.ParseText(
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Snippets", "SnippetContext.cs")),
        Options, path: "SnippetContext.cs"));

    private static readonly CSharpParseOptions Options = new(LanguageVersion.Latest);

    public static TheoryData<string> Snippets()
    {
        var data = new TheoryData<string>();
        foreach (var snippet in MarkdownSnippets.DocumentationFiles().SelectMany(MarkdownSnippets.In))
        {
            data.Add(snippet.ToString());
        }

        return data;
    }

    [Fact]
    public void The_documentation_has_csharp_snippets_to_compile()
    {
        // Guards the extraction itself: a broken fence pattern would make every theory below vanish silently.
        var count = MarkdownSnippets.DocumentationFiles().SelectMany(MarkdownSnippets.In).Count();
        Assert.True(count >= 8, $"only {count} C# snippets found in the documentation");
    }

    [Theory]
    [MemberData(nameof(Snippets))]
    public void Snippet_compiles(string location)
    {
        var snippet = MarkdownSnippets.DocumentationFiles().SelectMany(MarkdownSnippets.In).Single(s => s.ToString() == location);
        var errors = Compile(snippet.Code, location);
        Assert.True(errors.Count == 0, $"{location} does not compile:\n{string.Join("\n", errors)}");
    }

    [Fact]
    public void A_snippet_that_does_not_compile_is_reported()
    {
        // The harness can fail: an unknown method and an undeclared name are errors.
        var errors = Compile("builder.AddKamusNowhere();\nConsole.WriteLine(undeclared);", "self-test");
        Assert.Contains(errors, e => e.Contains("AddKamusNowhere", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("undeclared", StringComparison.Ordinal));
    }

    [Fact]
    public void Package_readmes_have_no_links_that_break_outside_the_repository()
    {
        var readmes = MarkdownSnippets.PackageReadmes().ToList();
        Assert.Contains(readmes, path => path.EndsWith(Path.Combine("Kamus.Configuration", "README.md"), StringComparison.Ordinal));
        foreach (var readme in readmes)
        {
            var relative = RelativeLink().Matches(File.ReadAllText(readme)).Select(m => m.Value).ToList();
            Assert.True(relative.Count == 0, $"{readme} links inside the repository, which breaks on a package page: {string.Join(", ", relative)}");
        }
    }

    private static List<string> Compile(string code, string location)
    {
        var compilation = CSharpCompilation.Create(
            "Snippet",
            [CSharpSyntaxTree.ParseText(code, Options, path: location), Context.Value],
            References.Value,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
        return [.. compilation.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .Select(d => d.ToString())];
    }

    // A Markdown link or image whose target is not absolute (http/https/mailto) nor an anchor in the same page.
    [GeneratedRegex(@"\]\((?!https?://|mailto:|#)[^)]+\)")]
    private static partial Regex RelativeLink();
}
