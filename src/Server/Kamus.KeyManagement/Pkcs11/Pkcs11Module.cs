using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Kamus.KeyManagement.Pkcs11;

/// <summary>
/// A PKCS#11 module loaded once per process and path. C_Initialize and C_Finalize are process-wide, so two users of one
/// module (two servers in a test process, the key generator) share it through a lease, and the last lease finalizes it.
/// </summary>
internal sealed class Pkcs11Module : IDisposable
{
    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, (IPkcs11Library Library, int Leases)> Loaded = new(StringComparer.Ordinal);

    private readonly string _path;
    private bool _released;

    private Pkcs11Module(string path, IPkcs11Library library, Pkcs11InteropFactories factories)
    {
        _path = path;
        Library = library;
        Factories = factories;
    }

    /// <summary>The library (thread-safe: initialised with OS locking).</summary>
    public IPkcs11Library Library { get; }

    /// <summary>The factories for mechanisms and attributes.</summary>
    public Pkcs11InteropFactories Factories { get; }

    /// <summary>Loads (or shares) the module at <paramref name="path"/>.</summary>
    /// <exception cref="Pkcs11Exception">C_Initialize failed.</exception>
    /// <exception cref="UnmanagedException">The library could not be loaded or is not a PKCS#11 module.</exception>
    public static Pkcs11Module Acquire(string path)
    {
        NativeLoaderFix.EnsureInstalled();
        var fullPath = Path.GetFullPath(path);
        var factories = new Pkcs11InteropFactories();
        lock (Gate)
        {
            if (!Loaded.TryGetValue(fullPath, out var entry))
            {
                entry = (factories.Pkcs11LibraryFactory.LoadPkcs11Library(factories, fullPath, AppType.MultiThreaded), 0);
            }

            Loaded[fullPath] = (entry.Library, entry.Leases + 1);
            return new Pkcs11Module(fullPath, entry.Library, factories);
        }
    }

    /// <summary>Releases the lease; the last one finalizes and unloads the module.</summary>
    public void Dispose()
    {
        lock (Gate)
        {
            if (_released)
            {
                return;
            }

            _released = true;
            var (library, leases) = Loaded[_path];
            if (leases > 1)
            {
                Loaded[_path] = (library, leases - 1);
                return;
            }

            Loaded.Remove(_path);
            library.Dispose();
        }
    }
}
