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
public class Pkcs11UnwrapBenchmarks
{
    private const int ParallelUnwraps = 64;
    private const string KeyId = "k1";

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
        var module = Testing.SoftHsm.RequireModule();
        _directory = Directory.CreateTempSubdirectory("kamus-bench-softhsm-").FullName;
        Testing.SoftHsm.UseTokenDirectory(_directory);
        var pinFile = Path.Combine(_directory, "pin");
        File.WriteAllText(pinFile, "bench-pin");
        Testing.SoftHsm.InitToken("bench", "bench-pin", "bench-so");

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
}
