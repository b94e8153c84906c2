using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Kamus.Pkcs11.Tests;

/// <summary>
/// Debian's SoftHSM2: installed when missing (apt-get), and a fresh token directory per test run, pointed to by
/// SOFTHSM2_CONF. Tokens are initialised with softhsm2-util before the module is first loaded in this process
/// (SoftHSM reads its token directory at C_Initialize).
/// </summary>
internal static partial class SoftHsm
{
    private static readonly string[] ModuleCandidates =
    [
        "/usr/lib/softhsm/libsofthsm2.so",
        "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
        "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
        "/usr/local/lib/softhsm/libsofthsm2.so",
    ];

    /// <summary>The module path, installing the <c>softhsm2</c> package first when it is missing. Fails loudly, never skips.</summary>
    public static string EnsureInstalled()
    {
        if (Find() is { } module)
        {
            return module;
        }

        var install = Run("apt-get", "install -y softhsm2");
        if (Find() is null)
        {
            var update = Run("apt-get", "update");
            install += update + Run("apt-get", "install -y softhsm2");
        }

        return Find() ?? throw new InvalidOperationException(
            "SoftHSM2 is not installed and `apt-get install -y softhsm2` did not install it; the PKCS#11 tests need it.\n" + install);
    }

    /// <summary>Writes a softhsm2.conf whose token directory is under <paramref name="directory"/> and points SOFTHSM2_CONF at it.</summary>
    public static void UseTokenDirectory(string directory)
    {
        var tokens = Path.Combine(directory, "tokens");
        Directory.CreateDirectory(tokens);
        var conf = Path.Combine(directory, "softhsm2.conf");
        File.WriteAllText(conf, $"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n");
        Environment.SetEnvironmentVariable("SOFTHSM2_CONF", conf);
        if (SetEnv("SOFTHSM2_CONF", conf, 1) != 0)
        {
            throw new InvalidOperationException("setenv(SOFTHSM2_CONF) failed.");
        }
    }

    /// <summary>Initialises a token in the free slot.</summary>
    public static void InitToken(string label, string pin, string soPin)
    {
        var output = Run("softhsm2-util", $"--init-token --free --label {label} --pin {pin} --so-pin {soPin}", mustSucceed: true);
        if (!output.Contains("initialized", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException("softhsm2-util did not initialise the token:\n" + output);
        }
    }

    private static string? Find()
    {
        var module = ModuleCandidates.FirstOrDefault(File.Exists);
        return module is not null && File.Exists("/usr/bin/softhsm2-util") ? module : null;
    }

    private static string Run(string file, string arguments, bool mustSucceed = false)
    {
        var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        try
        {
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            var output = $"$ {file} {arguments}\n{stdout.Result}{stderr}\n";
            return mustSucceed && process.ExitCode != 0 ? throw new InvalidOperationException($"exit code {process.ExitCode}:\n{output}") : output;
        }
        catch (System.ComponentModel.Win32Exception e) when (!mustSucceed)
        {
            return $"$ {file} {arguments}\n{e.Message}\n";
        }
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
