namespace Kamus.Cli.Files;

/// <summary>
/// Writes a file all at once: the bytes go to a temporary file in the same directory, which is flushed to disk and
/// then renamed over the target (through symbolic links). A failure at any point leaves the target as it was and removes the temporary file.
/// </summary>
internal static class AtomicFile
{
    /// <param name="path">The file to write.</param>
    /// <param name="contents">The new contents.</param>
    /// <param name="overwrite">Whether an existing file may be replaced (its Unix permissions are kept).</param>
    /// <exception cref="CliException">The file exists and <paramref name="overwrite"/> is false, or the write failed.</exception>
    public static void Write(string path, ReadOnlySpan<byte> contents, bool overwrite)
    {
        var fullPath = Path.GetFullPath(path);

        // Replace a symbolic link's target, not the link (a config file linked from elsewhere stays linked).
        var info = new FileInfo(fullPath);
        if (info.Exists && info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { } target)
        {
            fullPath = target.FullName;
        }

        var directory = Path.GetDirectoryName(fullPath) ?? ".";
        var exists = File.Exists(fullPath);
        if (exists && !overwrite)
        {
            throw CliException.Input($"{path} already exists; give --overwrite (-O) to replace it.");
        }

        var temporary = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(contents);
                stream.Flush(flushToDisk: true);
            }

            if (exists && !OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temporary, File.GetUnixFileMode(fullPath));
            }

            File.Move(temporary, fullPath, overwrite);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            throw CliException.Input($"cannot write {path}: {e.Message}", e);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: the temporary file holds ciphertext only.
        }
        catch (UnauthorizedAccessException)
        {
            // Same.
        }
    }
}
