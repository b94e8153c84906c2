using System.Security.Cryptography;
using System.Text;
using Kamus.CloudKms.Tests.Support;
using Kamus.KeyManagement.Aes;
using Kamus.KeyManagement.Ciphertexts;
using Kamus.KeyManagement.Cloud;
using Kamus.Wire.Crypto;
using Kamus.Wire.Formats;
using Kamus.Wire.Identity;
using Kamus.Wire.Protocol;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Kamus.CloudKms.Tests.Cloud;

/// <summary>The cloud provider's own logic (layout, binding, cache), over an in-memory KMS.</summary>
public sealed class CloudMasterKeyProviderTests
{
    private static readonly ServiceAccountIdentity Alice = new("team-a", "alice");
    private static readonly ServiceAccountIdentity Bob = new("team-a", "bob");

    [Fact]
    public async Task Wraps_and_unwraps_for_the_identity_only()
    {
        var kms = new InMemoryKms();
        using var provider = new CloudMasterKeyProvider(kms, cache: null);
        var ad = V2Layout.ValueAssociatedData("mem", Alice);

        var wrapped = await provider.WrapAsync("mem", Alice, "hello"u8.ToArray(), ad);

        Assert.Equal("hello"u8.ToArray(), await provider.UnwrapAsync("mem", Alice, wrapped, ad));
        await Assert.ThrowsAnyAsync<CryptographicException>(() => provider.UnwrapAsync("mem", Bob, wrapped, V2Layout.ValueAssociatedData("mem", Bob)).AsTask());
        await Assert.ThrowsAnyAsync<CryptographicException>(() => provider.UnwrapAsync("mem", Alice, wrapped, V2Layout.DataKeyAssociatedData("mem", Alice)).AsTask());
        await Assert.ThrowsAsync<KeyNotFoundException>(() => provider.UnwrapAsync("k1", Alice, wrapped, ad).AsTask());
    }

    [Fact]
    public async Task A_cached_key_serves_only_the_identity_it_was_unwrapped_for()
    {
        var kms = new InMemoryKms();
        using var provider = new CloudMasterKeyProvider(kms, new DataKeyCache(16, TimeSpan.FromMinutes(5)));
        var ad = V2Layout.ValueAssociatedData("mem", Alice);
        var wrapped = await provider.WrapAsync("mem", Alice, "hello"u8.ToArray(), ad);

        await provider.UnwrapAsync("mem", Alice, wrapped, ad);
        await provider.UnwrapAsync("mem", Alice, wrapped, ad);
        Assert.Equal(0, kms.Decrypts); // cached when wrapped

        await Assert.ThrowsAnyAsync<CryptographicException>(() => provider.UnwrapAsync("mem", Bob, wrapped, ad).AsTask());
        Assert.Equal(1, kms.Decrypts); // Bob's lookup missed the cache and the KMS refused him
    }

    [Fact]
    public async Task Kms_calls_and_cache_hits_are_counted_by_outcome()
    {
        using var calls = new MetricCollector<long>(CloudTelemetry.Meter, "kamus.keymanagement.kms.calls");
        using var hits = new MetricCollector<long>(CloudTelemetry.Meter, "kamus.keymanagement.datakey_cache.hits");
        var kms = new InMemoryKms();
        using var provider = new CloudMasterKeyProvider(kms, new DataKeyCache(16));
        var ad = V2Layout.ValueAssociatedData("mem", Alice);
        var wrapped = await provider.WrapAsync("mem", Alice, "hello"u8.ToArray(), ad);

        await provider.UnwrapAsync("mem", Alice, wrapped, ad);
        await Assert.ThrowsAnyAsync<CryptographicException>(() => provider.UnwrapAsync("mem", Bob, wrapped, ad).AsTask());

        string Outcomes() => string.Join(",", calls.GetMeasurementSnapshot().Where(m => m.Tags["key_id"] as string == "mem").Select(m => $"{m.Tags["operation"]}:{m.Tags["outcome"]}"));
        Assert.Equal("generate:ok,decrypt:refused", Outcomes());
        Assert.Equal(1, hits.GetMeasurementSnapshot().Count(m => m.Tags["key_id"] as string == "mem"));
    }

    [Fact]
    public async Task An_expired_key_is_unwrapped_again()
    {
        var kms = new InMemoryKms();
        var time = new FakeTimeProvider();
        using var provider = new CloudMasterKeyProvider(kms, new DataKeyCache(16, TimeSpan.FromMinutes(5), time));
        var ad = V2Layout.ValueAssociatedData("mem", Alice);
        var wrapped = await provider.WrapAsync("mem", Alice, "hello"u8.ToArray(), ad);

        time.Advance(TimeSpan.FromMinutes(6));
        await provider.UnwrapAsync("mem", Alice, wrapped, ad);
        await provider.UnwrapAsync("mem", Alice, wrapped, ad);

        Assert.Equal(1, kms.Decrypts);
    }

    [Fact]
    public async Task A_batch_costs_one_kms_data_key()
    {
        var kms = new InMemoryKms();
        using var provider = new CloudMasterKeyProvider(kms, cache: null);
        var service = new CiphertextService(provider, UpstreamAesKey.None, CiphertextWriteFormat.V2, provider);
        var items = Enumerable.Range(0, 20).ToDictionary(i => $"k{i}", i => $"value {i}");

        var encrypted = await service.EncryptManyAsync(Alice, items);
        using var scope = new DataKeyScope();
        foreach (var (name, ciphertext) in encrypted)
        {
            Assert.StartsWith("k2e.mem.", ciphertext, StringComparison.Ordinal);
            Assert.Equal(items[name], (await service.DecryptAsync(Alice, ciphertext, scope)).Plaintext);
        }

        Assert.Equal(1, kms.Decrypts);
        using var bobScope = new DataKeyScope();
        Assert.Equal(WireErrorKind.Forbidden, (await service.DecryptAsync(Bob, encrypted["k0"], bobScope)).Error);
    }

    [Fact]
    public async Task Reads_upstream_kms_values_and_envelope_keys()
    {
        var kms = new InMemoryKms();
        using var provider = new CloudMasterKeyProvider(kms, cache: null);
        var service = new CiphertextService(provider, UpstreamAesKey.None, CiphertextWriteFormat.V2, provider);
        var bareValue = RandomNumberGenerator.GetBytes(100);
        kms.UpstreamPlaintexts[$"{Alice}|{Convert.ToBase64String(bareValue)}"] = Encoding.UTF8.GetBytes("upstream value ✓");

        // An AWS envelope wraps the raw data key; upstream's envelope decorator wraps base64 text of it.
        var dataKey = RandomNumberGenerator.GetBytes(32);
        var rawBlob = RandomNumberGenerator.GetBytes(150);
        var textBlob = RandomNumberGenerator.GetBytes(150);
        kms.UpstreamPlaintexts[$"{Alice}|{Convert.ToBase64String(rawBlob)}"] = dataKey;
        kms.UpstreamPlaintexts[$"{Alice}|{Convert.ToBase64String(textBlob)}"] = Encoding.ASCII.GetBytes(Convert.ToBase64String(dataKey));
        var iv = RandomNumberGenerator.GetBytes(16);
        using var aes = System.Security.Cryptography.Aes.Create();
        aes.Key = dataKey;
        var payload = $"{Convert.ToBase64String(iv)}:{Convert.ToBase64String(aes.EncryptCbc("enveloped ✓"u8, iv, PaddingMode.PKCS7))}";
        using var scope = new DataKeyScope();

        Assert.Equal("upstream value ✓", (await service.DecryptAsync(Alice, Convert.ToBase64String(bareValue), scope)).Plaintext);
        Assert.Equal("enveloped ✓", (await service.DecryptAsync(Alice, $"env${Convert.ToBase64String(rawBlob)}${payload}", scope)).Plaintext);
        Assert.Equal("enveloped ✓", (await service.DecryptAsync(Alice, $"env${Convert.ToBase64String(textBlob)}${payload}", scope)).Plaintext);

        // A bare AWS data-key blob (what the client fast path sends) answers base64 of the key, like any wrapped key.
        Assert.Equal(Convert.ToBase64String(dataKey), (await service.DecryptAsync(Alice, Convert.ToBase64String(rawBlob), scope)).Plaintext);
        Assert.Equal(WireErrorKind.Forbidden, (await service.DecryptAsync(Bob, Convert.ToBase64String(bareValue), scope)).Error);
    }

    [Fact]
    public async Task Upstream_kms_values_without_a_cloud_provider_name_the_setting()
    {
        using var ring = new AesKeyRing("k1", new Dictionary<string, byte[]> { ["k1"] = new byte[32] });
        var service = new CiphertextService(ring, UpstreamAesKey.None, CiphertextWriteFormat.V2);
        using var scope = new DataKeyScope();

        var result = await service.DecryptAsync(Alice, Convert.ToBase64String(RandomNumberGenerator.GetBytes(100)), scope);

        Assert.Equal(WireErrorKind.InvalidCiphertext, result.Error);
        Assert.Contains("KeyManagement:Provider=AwsKms, GoogleKms or AzureKeyVault", result.Reason, StringComparison.Ordinal);
    }
}
