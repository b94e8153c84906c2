using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Kamus.Wire.Crypto;
using Kamus.Wire.Formats;

namespace Kamus.Benchmarks;

/// <summary>
/// Suite 1: decrypting one envelope payload locally with a warm data key, against the raw AES operations on the same
/// bytes (the limit). Parsing is included on the Kamus side, since a client parses every value it meets.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class LocalDecryptBenchmarks
{
    private const string Secret = "Server=db;User Id=app;Password=p@ss:w0rd;";

    private DataKey _dataKey = null!;
    private byte[] _rawKey = null!;
    private string _v2Envelope = null!;
    private string _upstreamEnvelope = null!;
    private ParsedCiphertext _v2Parsed = null!;
    private ParsedCiphertext _upstreamParsed = null!;
    private AesGcm _gcm = null!;
    private Aes _aes = null!;
    private byte[] _plaintextBuffer = null!;

    [GlobalSetup]
    public void Setup()
    {
        _rawKey = RandomNumberGenerator.GetBytes(32);
        _dataKey = DataKey.FromBytes(_rawKey);
        var sealedKey = new byte[32 + AesGcmSealer.Overhead];
        _v2Envelope = V2Layout.FormatEnvelope("k1", sealedKey, _dataKey.SealPayload(Encoding.UTF8.GetBytes(Secret)));
        var (iv, ct) = AesCbc.Encrypt(_rawKey, Encoding.UTF8.GetBytes(Secret));
        _upstreamEnvelope = UpstreamLayout.FormatEnvelope("AAAAAAAAAAAAAAAAAAAAAA==:AAAAAAAAAAAAAAAAAAAAAA==", iv, ct);
        _v2Parsed = CiphertextParser.Parse(_v2Envelope);
        _upstreamParsed = CiphertextParser.Parse(_upstreamEnvelope);
        _gcm = new AesGcm(_rawKey, AesGcmSealer.TagSize);
        _aes = Aes.Create();
        _aes.Key = _rawKey;
        _plaintextBuffer = new byte[Secret.Length];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _dataKey.Dispose();
        _gcm.Dispose();
        _aes.Dispose();
    }

    [Benchmark(Baseline = true, Description = "raw AesGcm.Decrypt")]
    [BenchmarkCategory("gcm")]
    public byte[] RawGcm()
    {
        var body = _v2Parsed.Body;
        var length = body.Length - AesGcmSealer.Overhead;
        _gcm.Decrypt(body.AsSpan(0, 12), body.AsSpan(12, length), body.AsSpan(12 + length), _plaintextBuffer, V2Layout.PayloadAssociatedData);
        return _plaintextBuffer;
    }

    [Benchmark(Description = "Kamus v2 envelope: parse + local decrypt")]
    [BenchmarkCategory("gcm")]
    public string KamusV2() => _dataKey.DecryptPayload(CiphertextParser.Parse(_v2Envelope));

    [Benchmark(Baseline = true, Description = "raw Aes.DecryptCbc")]
    [BenchmarkCategory("cbc")]
    public byte[] RawCbc() => _aes.DecryptCbc(_upstreamParsed.Body, _upstreamParsed.Iv, PaddingMode.PKCS7);

    [Benchmark(Description = "Kamus upstream envelope: parse + local decrypt")]
    [BenchmarkCategory("cbc")]
    public string KamusUpstream() => _dataKey.DecryptPayload(CiphertextParser.Parse(_upstreamEnvelope));
}
