using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Kamus.Benchmarks.Infrastructure;
using Kamus.Client;
using Kamus.Client.Offline;
using Kamus.Client.Tokens;
using Kamus.KeyManagement.Ciphertexts;
using Kamus.KeyManagement.Offline;
using Kamus.Testing;
using Kamus.Wire.Crypto;
using Kamus.Wire.Crypto.Hpke;
using Kamus.Wire.Formats;
using Kamus.Wire.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Kamus.Benchmarks;

/// <summary>
/// Suite 5: offline encryption per value. <b>encrypt</b>: HPKE with the account's key statement alone (no server), against
/// the online <c>/api/v2/encrypt</c> to the real server on loopback, one value per call and 100 per call (per value).
/// <b>decrypt</b>: the server's own work for one value (<see cref="CiphertextService"/>, no HTTP): an offline value
/// (derive the account's key pair, then HPKE open) against a v2 value (derive the key-encryption key, then AES-GCM open),
/// and the HPKE open alone with the key pair already derived (what the derivation costs).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class OfflineEncryptionBenchmarks
{
    private const int Batch = 100;
    private const string Secret = "Server=db;User Id=app;Password=p@ss:w0rd;";

    private static readonly ServiceAccountIdentity Identity = new(BenchmarkServer.Namespace, BenchmarkServer.ServiceAccount);

    private KamusServerHost _server = null!;
    private KamusClient _client = null!;
    private KamusOfflineEncryptor _encryptor = null!;
    private CiphertextService _ciphertexts = null!;
    private DataKeyScope _scope = null!;
    private HpkePrivateKey _derived = null!;
    private Dictionary<string, string> _one = null!;
    private Dictionary<string, string> _hundred = null!;
    private string _offlineValue = null!;
    private ParsedCiphertext _offlineParsed = null!;
    private string _v2Value = null!;

    [GlobalSetup]
    public void Setup()
    {
        var (seed, signingKey) = OfflineKeys.Generate();
        _server = BenchmarkServer.Start(new Dictionary<string, string?>
        {
            ["KeyManagement:Offline:Seed"] = seed,
            ["KeyManagement:Offline:SigningKey"] = signingKey,
        });
        _client = new KamusClient(new KamusClientOptions { Url = _server.Url, TokenSource = new StaticTokenSource(BenchmarkServer.Token) });
        var statement = _client.GetPublicKeyStatementAsync(BenchmarkServer.ServiceAccount, BenchmarkServer.Namespace).GetAwaiter().GetResult();
        _encryptor = KamusOfflineEncryptor.Create(statement, BenchmarkServer.Namespace, BenchmarkServer.ServiceAccount, statement.SignerFingerprint);
        _one = new Dictionary<string, string> { ["x"] = Secret };
        _hundred = Enumerable.Range(0, Batch).ToDictionary(i => $"Secret:{i}", _ => Secret);

        _ciphertexts = _server.Services.GetRequiredService<CiphertextService>();
        _scope = new DataKeyScope();
        _offlineValue = _encryptor.Encrypt(Secret);
        _offlineParsed = CiphertextParser.Parse(_offlineValue);
        _v2Value = _client.EncryptAsync(Secret, BenchmarkServer.ServiceAccount, BenchmarkServer.Namespace).GetAwaiter().GetResult();
        using var ring = OfflineKeyRing.LoadAsync(new OfflineKeyOptions { Seed = seed, SigningKey = signingKey }, new Kamus.KeyManagement.Aes.AesKeyRing("k0", new Dictionary<string, byte[]> { ["k0"] = Convert.FromBase64String(KamusServerHost.CompatMasterKey) }), null).AsTask().GetAwaiter().GetResult()!;
        _derived = ring.DeriveKeyPair(Identity, 1);
        if (Encoding.UTF8.GetString(OfflineCipher.Open(_offlineParsed, _derived, Identity)) != Secret
            || DecryptOffline() != Secret || DecryptV2() != Secret)
        {
            throw new InvalidOperationException("The values do not decrypt to the secret.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _derived.Dispose();
        _scope.Dispose();
        _encryptor.Dispose();
        _client.Dispose();
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true, Description = "online: POST /api/v2/encrypt, 1 value per call")]
    [BenchmarkCategory("encrypt")]
    public IReadOnlyDictionary<string, string> OnlineOne() =>
        _client.EncryptManyAsync(BenchmarkServer.ServiceAccount, BenchmarkServer.Namespace, _one).GetAwaiter().GetResult();

    [Benchmark(OperationsPerInvoke = Batch, Description = "online: POST /api/v2/encrypt, 100 values per call (per value)")]
    [BenchmarkCategory("encrypt")]
    public IReadOnlyDictionary<string, string> OnlineHundred() =>
        _client.EncryptManyAsync(BenchmarkServer.ServiceAccount, BenchmarkServer.Namespace, _hundred).GetAwaiter().GetResult();

    [Benchmark(Description = "offline: KamusOfflineEncryptor.Encrypt (HPKE, no server)")]
    [BenchmarkCategory("encrypt")]
    public string Offline() => _encryptor.Encrypt(Secret);

    [Benchmark(Baseline = true, Description = "server: decrypt a v2 value (k2.)")]
    [BenchmarkCategory("decrypt")]
    public string? DecryptV2() => _ciphertexts.DecryptAsync(Identity, _v2Value, _scope).AsTask().GetAwaiter().GetResult().Plaintext;

    [Benchmark(Description = "server: decrypt an offline value (k2h.): derive key pair + HPKE open")]
    [BenchmarkCategory("decrypt")]
    public string? DecryptOffline() => _ciphertexts.DecryptAsync(Identity, _offlineValue, _scope).AsTask().GetAwaiter().GetResult().Plaintext;

    [Benchmark(Description = "HPKE open alone, key pair already derived")]
    [BenchmarkCategory("decrypt")]
    public byte[] OpenDerived() => OfflineCipher.Open(_offlineParsed, _derived, Identity);
}
