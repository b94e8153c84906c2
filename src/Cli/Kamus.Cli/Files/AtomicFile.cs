namespace Kamus.Cli.Files;

/// <summary>
/// Writes a file all at once: the bytes go to a temporary file in the same directory, which is flushed to disk and
/// then renamed over the target (through symbolic links). A failure at any point leaves the target as it was and removes the temporary file.
/// The temporary file has the target's mode, owner and group before a byte is written to it, so it is never more
/// readable than the file it replaces, and the replaced file keeps them.
/// </summary>
internal static class AtomicFile
{
    /// <param name="path">The file to write.</param>
    /// <param name="contents">The new contents.</param>
    /// <param name="overwrite">Whether an existing file may be replaced (its Unix permissions are kept).</param>
    /// <exception cref="CliException">The file exists and <paramref name="overwrite"/> is false, or the write failed.</exception>
    public static void Write(string path, ReadOnlySpan<byte> contents, bool overwrite)
    {
        var bytes = contents.ToArray();
        Write(path, stream => stream.Write(bytes), overwrite);
    }

    /// <summary>Writes the file with <paramref name="writeContents"/> (tests look at the temporary file while it is written).</summary>
    internal static void Write(string path, Action<FileStream> writeContents, bool overwrite, Action<string>? warn = null)
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
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            var mode = exists && !OperatingSystem.IsWindows() ? File.GetUnixFileMode(fullPath) : (UnixFileMode?)null;
            if (mode is { } createMode && !OperatingSystem.IsWindows())
            {
                // Created no more readable than the target (the umask can only take bits away), then set exactly.
                options.UnixCreateMode = createMode;
            }

            using (var stream = new FileStream(temporary, options))
            {
                if (mode is { } finalMode && !OperatingSystem.IsWindows())
                {
                    TakeOwner(fullPath, stream, path, warn);
                    File.SetUnixFileMode(stream.SafeFileHandle, finalMode);
                }

                writeContents(stream);
                stream.Flush(flushToDisk: true);
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

    // chown clears set-id bits, so it comes before the mode is set.
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void TakeOwner(string target, FileStream temporary, string path, Action<string>? warn)
    {
        if (UnixFileOwner.Of(target) is { } owner && !UnixFileOwner.TrySet(temporary.SafeFileHandle, owner))
        {
            if (UnixFileOwner.Of(temporary.Name) != owner)
            {
                warn?.Invoke($"{path} will be owned by the user running kamus: only root can keep another user's ownership.");
            }
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
