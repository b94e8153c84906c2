using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Kamus.Wire.Identity;
using Kamus.Wire.Formats;
using Kamus.KeyManagement.Aes;
using Kamus.KeyManagement.Pkcs11;

namespace Kamus.Benchmarks;

/// <summary>
/// Unwrapping one envelope data key: inside SoftHSM2 through PKCS#11 (CKM_AES_GCM via C_Decrypt, pooled sessions)
/// against the in-memory AES key ring (HKDF + AES-GCM in process). Needs Debian's softhsm2 package
/// (<c>apt-get install -y softhsm2</c>); a fresh token is made in a temporary directory. See docs/hsm.md for figures.
/// </summary>
[MemoryDiagnoser]
public partial class Pkcs11UnwrapBenchmarks
{
    private const int ParallelUnwraps = 64;
    private const string KeyId = "k1";
    private static readonly string[] ModuleCandidates = ["/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so"];

    private readonly ServiceAccountIdentity _identity = new("team-a", "api");
    private string _directory = null!;
    private AesKeyRing _ring = null!;
    private Pkcs11MasterKeyProvider _hsm = null!;
    private byte[] _aad = null!;
    private byte[] _ringWrapped = null!;
    private byte[] _hsmWrapped = null!;

    [GlobalSetup]
    public void Setup()
    {
        var module = ModuleCandidates.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("SoftHSM2 is not installed: apt-get install -y softhsm2");
        _directory = Directory.CreateTempSubdirectory("kamus-bench-softhsm-").FullName;
        Directory.CreateDirectory(Path.Combine(_directory, "tokens"));
        var conf = Path.Combine(_directory, "softhsm2.conf");
        File.WriteAllText(conf, $"directories.tokendir = {Path.Combine(_directory, "tokens")}\nobjectstore.backend = file\nlog.level = ERROR\n");
        _ = SetEnv("SOFTHSM2_CONF"u8.ToArray().Append((byte)0).ToArray(), [.. System.Text.Encoding.UTF8.GetBytes(conf), 0], 1);
        var pinFile = Path.Combine(_directory, "pin");
        File.WriteAllText(pinFile, "bench-pin");
        var initToken = new ProcessStartInfo("softhsm2-util", "--init-token --free --label bench --pin bench-pin --so-pin bench-so") { RedirectStandardOutput = true };
        initToken.Environment["SOFTHSM2_CONF"] = conf;
        using (var init = Process.Start(initToken)!)
        {
            init.StandardOutput.ReadToEnd();
            init.WaitForExit();
        }

        var options = new Pkcs11Options { ModulePath = module, TokenLabel = "bench", PinFile = pinFile, CurrentKeyLabel = KeyId, MaxSessions = 4 };
        try
        {
            using (var token = Pkcs11Token.Open(options))
            {
                Pkcs11KeyGenerator.Generate(token, KeyId);
            }

            _hsm = Pkcs11MasterKeyProvider.Open(options);
        }
        catch
        {
            // GlobalCleanup does not run after a failed setup: leave no token directory behind.
            Directory.Delete(_directory, recursive: true);
            throw;
        }

        _ring = new AesKeyRing(KeyId, new Dictionary<string, byte[]> { [KeyId] = RandomNumberGenerator.GetBytes(32) });
        _aad = V2Layout.DataKeyAssociatedData(KeyId, _identity);
        var dataKey = RandomNumberGenerator.GetBytes(32);
        _ringWrapped = _ring.Wrap(KeyId, _identity, dataKey, _aad);
        _hsmWrapped = _hsm.Wrap(KeyId, _identity, dataKey, _aad);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _hsm.Dispose();
        _ring.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Baseline = true, Description = "in-memory AesKeyRing unwrap")]
    public byte[] InMemory() => _ring.Unwrap(KeyId, _identity, _ringWrapped, _aad);

    [Benchmark(Description = "SoftHSM2 PKCS#11 unwrap")]
    public byte[] SoftHsm() => _hsm.Unwrap(KeyId, _identity, _hsmWrapped, _aad);

    [Benchmark(OperationsPerInvoke = ParallelUnwraps, Description = "SoftHSM2 PKCS#11 unwrap, 4 threads")]
    public void SoftHsmParallel() =>
        Parallel.For(0, ParallelUnwraps, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ => _hsm.Unwrap(KeyId, _identity, _hsmWrapped, _aad));

    // SoftHSM reads SOFTHSM2_CONF from the native environment, which Environment.SetEnvironmentVariable does not change.
    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int SetEnv(byte[] name, byte[] value, int overwrite);
}
