using System.Reflection;
using System.Runtime.InteropServices;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Kamus.KeyManagement.Pkcs11;

/// <summary>
/// Pkcs11Interop loads modules through <c>dlopen</c> imported from "libdl". Since glibc 2.34 (Debian 12, Ubuntu 22.04)
/// there is no unversioned <c>libdl.so</c> (dlopen lives in libc), so the import fails with DllNotFoundException.
/// This resolver points it at <c>libdl.so.2</c>, else libc.
/// </summary>
internal static class NativeLoaderFix
{
    private static readonly Lazy<bool> Installed = new(Install);

    /// <summary>Installs the resolver once per process.</summary>
    public static void EnsureInstalled() => _ = Installed.Value;

    private static bool Install()
    {
        if (OperatingSystem.IsWindows())
        {
            return false;
        }

        try
        {
            NativeLibrary.SetDllImportResolver(typeof(Pkcs11InteropFactories).Assembly, Resolve);
            return true;
        }
        catch (InvalidOperationException)
        {
            // The host set a resolver of its own for Pkcs11Interop: keep it.
            return false;
        }
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != "libdl")
        {
            return IntPtr.Zero;
        }

        foreach (var candidate in (string[])["libdl.so.2", "libdl.so", "libc.so.6", "libdl.dylib", "libSystem.dylib"])
        {
            if (NativeLibrary.TryLoad(candidate, assembly, searchPath, out var handle))
            {
                return handle;
            }
        }

        return IntPtr.Zero;
    }
}
