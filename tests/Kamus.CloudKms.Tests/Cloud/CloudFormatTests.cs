using System.Security.Cryptography;
using Kamus.KeyManagement.Cloud;
using Kamus.Wire.Crypto;
using Kamus.Wire.Formats;

namespace Kamus.CloudKms.Tests.Cloud;

/// <summary>What the shared formats accept for cloud KMS values: upstream's bare KMS ciphertexts and longer v2 seals.</summary>
public sealed class CloudFormatTests
{
    [Fact]
    public void Bare_base64_is_an_upstream_kms_value()
    {
        var ciphertext = RandomNumberGenerator.GetBytes(113);

        var parsed = CiphertextParser.Parse(Convert.ToBase64String(ciphertext));

        Assert.Equal(CiphertextFormat.UpstreamKms, parsed.Format);
        Assert.Equal(ciphertext, parsed.Body);
        Assert.False(parsed.Format.IsEnvelope());
    }

    [Theory]
    [InlineData("c2hvcnQ=")] // 5 bytes: too short to be a KMS ciphertext
    [InlineData("not base64 at all, and no colon")]
    public void Other_text_is_still_refused(string text) => Assert.False(CiphertextParser.TryParse(text, out _, out _));

    [Fact]
    public void An_upstream_envelope_may_wrap_a_kms_blob()
    {
        var blob = Convert.ToBase64String(RandomNumberGenerator.GetBytes(184));
        var text = $"env${blob}${Convert.ToBase64String(new byte[16])}:{Convert.ToBase64String(new byte[32])}";

        var parsed = CiphertextParser.Parse(text);

        Assert.Equal(CiphertextFormat.UpstreamEnvelope, parsed.Format);
        Assert.Equal(blob, parsed.WrappedKey);
        Assert.Equal(CiphertextFormat.UpstreamKms, CiphertextParser.Parse(parsed.WrappedKey).Format);
    }

    [Theory]
    [InlineData(60)]
    [InlineData(260)]
    [InlineData(V2Layout.MaxSealedKeySize)]
    public void V2_sealed_keys_may_carry_a_kms_ciphertext(int size)
    {
        var sealedKey = RandomNumberGenerator.GetBytes(size);
        var envelope = V2Layout.FormatEnvelope("aws", sealedKey, RandomNumberGenerator.GetBytes(40));

        var parsed = CiphertextParser.Parse(envelope);

        Assert.Equal(sealedKey, parsed.SealedKey);
        Assert.Equal(CiphertextFormat.V2WrappedKey, CiphertextParser.Parse(parsed.WrappedKey).Format);
    }

    [Theory]
    [InlineData(59)]
    [InlineData(V2Layout.MaxSealedKeySize + 1)]
    public void V2_sealed_keys_outside_the_bounds_are_refused(int size) =>
        Assert.False(CiphertextParser.TryParse(V2Layout.FormatEnvelope("aws", RandomNumberGenerator.GetBytes(size), RandomNumberGenerator.GetBytes(40)), out _, out _));

    [Fact]
    public void The_cloud_wrap_layout_round_trips_and_refuses_garbage()
    {
        var blob = RandomNumberGenerator.GetBytes(184);
        var sealedValue = RandomNumberGenerator.GetBytes(AesGcmSealer.Overhead + 32);

        Assert.True(CloudWrapLayout.TryParse(CloudWrapLayout.Format(blob, sealedValue), out var parsedBlob, out var parsedSealed));
        Assert.Equal(blob, parsedBlob.ToArray());
        Assert.Equal(sealedValue, parsedSealed.ToArray());
        Assert.False(CloudWrapLayout.TryParse(RandomNumberGenerator.GetBytes(60), out _, out _));
        Assert.False(CloudWrapLayout.TryParse(CloudWrapLayout.Format(blob, sealedValue).AsMemory(0, 200), out _, out _));
    }
}
