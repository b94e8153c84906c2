using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Microsoft.Win32.SafeHandles;

namespace Kamus.Cli.Files;

/// <summary>
/// A file's owner and group on Unix, which .NET has no API for: read with the runtime's own <c>SystemNative_Stat</c>
/// (the <c>stat</c> shim behind <c>File.GetUnixFileMode</c>, whose <c>FileStatus</c> layout is fixed across platforms)
/// and given to another file with <c>fchown</c>.
/// </summary>
[UnsupportedOSPlatform("windows")]
internal static partial class UnixFileOwner
{
    /// <summary>The owner and group of <paramref name="path"/>, or <see langword="null"/> when they cannot be read.</summary>
    public static (uint Uid, uint Gid)? Of(string path)
    {
        if (Stat(path, out var status) != 0)
        {
            return null;
        }

        // Cross-check the shim's layout with .NET's own view of the file before trusting the ids.
        const int PermissionBits = 0xFFF;
        return (status.Mode & PermissionBits) == (int)File.GetUnixFileMode(path) ? (status.Uid, status.Gid) : null;
    }

    /// <summary>Gives the open file <paramref name="file"/> the owner and group <paramref name="owner"/>.</summary>
    /// <returns><see langword="false"/> when not permitted (only root may give a file away).</returns>
    public static bool TrySet(SafeFileHandle file, (uint Uid, uint Gid) owner) => FChown(file, owner.Uid, owner.Gid) == 0;

    [LibraryImport("libSystem.Native", EntryPoint = "SystemNative_Stat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Stat(string path, out FileStatus status);

    [LibraryImport("libc", EntryPoint = "fchown", SetLastError = true)]
    private static partial int FChown(SafeFileHandle file, uint owner, uint group);

    // The first fields of the runtime's FileStatus; the rest (times, sizes, ids: 104 bytes today) is room to spare.
    [StructLayout(LayoutKind.Sequential)]
    private struct FileStatus
    {
        public int Flags;
        public int Mode;
        public uint Uid;
        public uint Gid;
        private Reserved _rest;
    }

    [InlineArray(32)]
    private struct Reserved
    {
        private long _element;
    }
}
