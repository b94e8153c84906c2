using System.Text;

namespace Kamus.Testing;

/// <summary>A fresh directory under the system temp directory, deleted (best effort) on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory(string prefix = "kamus-tests-") => Path = Directory.CreateTempSubdirectory(prefix).FullName;

    public string Path { get; }

    /// <summary>The path of <paramref name="name"/> in this directory (the file need not exist).</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Writes <paramref name="contents"/> as UTF-8 without a byte order mark and returns the path.</summary>
    public string Write(string name, string contents)
    {
        var path = File(name);
        System.IO.File.WriteAllBytes(path, Encoding.UTF8.GetBytes(contents));
        return path;
    }

    /// <summary>The names of the entries in this directory, sorted: temporary files left behind would show here.</summary>
    public string[] Names() =>
        [.. Directory.GetFileSystemEntries(Path).Select(p => System.IO.Path.GetFileName(p)).Order(StringComparer.Ordinal)];

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A temp directory; leaving it is harmless.
        }
    }
}
