using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Kamus.Testing;

/// <summary>
/// Debian's SoftHSM2 for the PKCS#11 tests and benchmark: where its module is, a token directory of the caller's
/// (pointed to by SOFTHSM2_CONF) and tokens initialised with softhsm2-util before the module is first loaded in this
/// process (SoftHSM reads its token directory at C_Initialize). Installs nothing: where SoftHSM2 is missing, the tests
/// skip naming <see cref="InstallCommand"/>, and CI (.ci/run) installs it so that they always run there.
/// </summary>
public static partial class SoftHsm
{
    /// <summary>What installs SoftHSM2 on Debian and Ubuntu.</summary>
    public const string InstallCommand = "apt-get install -y softhsm2";

    /// <summary>Why a test that needs SoftHSM2 did not run.</summary>
    public const string MissingReason = "SoftHSM2 is not installed (no libsofthsm2.so and softhsm2-util): " + InstallCommand;

    private static readonly string[] ModuleCandidates =
    [
        "/usr/lib/softhsm/libsofthsm2.so",
        "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
        "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
        "/usr/local/lib/softhsm/libsofthsm2.so",
    ];

    /// <summary>The PKCS#11 module, or <see langword="null"/> when SoftHSM2 (module and softhsm2-util) is not installed.</summary>
    public static string? ModulePath { get; } = Find();

    /// <summary>Whether SoftHSM2 is installed.</summary>
    public static bool IsInstalled => ModulePath is not null;

    /// <summary>The module path; throws <see cref="MissingReason"/> when SoftHSM2 is not installed.</summary>
    public static string RequireModule() => ModulePath ?? throw new InvalidOperationException(MissingReason);

    /// <summary>Writes a softhsm2.conf whose token directory is under <paramref name="directory"/> and points SOFTHSM2_CONF at it.</summary>
    public static void UseTokenDirectory(string directory)
    {
        var tokens = Path.Combine(directory, "tokens");
        Directory.CreateDirectory(tokens);
        var conf = Path.Combine(directory, "softhsm2.conf");
        File.WriteAllText(conf, $"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n");

        // SoftHSM reads SOFTHSM2_CONF from the native environment, which Environment.SetEnvironmentVariable does not change.
        Environment.SetEnvironmentVariable("SOFTHSM2_CONF", conf);
        if (SetEnv("SOFTHSM2_CONF", conf, 1) != 0)
        {
            throw new InvalidOperationException("setenv(SOFTHSM2_CONF) failed.");
        }
    }

    /// <summary>Initialises a token in the free slot (of the directory given to <see cref="UseTokenDirectory"/>).</summary>
    public static void InitToken(string label, string pin, string soPin)
    {
        var start = new ProcessStartInfo("softhsm2-util", $"--init-token --free --label {label} --pin {pin} --so-pin {soPin}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        var output = stdout.Result + stderr;
        if (process.ExitCode != 0 || !output.Contains("initialized", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"softhsm2-util did not initialise token '{label}' (exit code {process.ExitCode}):\n{output}");
        }
    }

    private static string? Find()
    {
        var module = ModuleCandidates.FirstOrDefault(File.Exists);
        return module is not null && File.Exists("/usr/bin/softhsm2-util") ? module : null;
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
