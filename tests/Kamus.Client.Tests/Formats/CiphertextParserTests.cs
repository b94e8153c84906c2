using System.Security.Cryptography;
using System.Text;
using Kamus.Testing;
using Kamus.Wire.Crypto;
using Kamus.Wire.Formats;
using Kamus.Wire.Identity;

namespace Kamus.Client.Tests.Formats;

public class CiphertextParserTests
{
    [Theory]
    [MemberData(nameof(CompatVectors.Indexes), MemberType = typeof(CompatVectors))]
    public void Every_upstream_vector_decrypts_with_the_shared_crypto(int index)
    {
        var v = CompatVectors.All[index];
        var identity = new ServiceAccountIdentity(v.Namespace, v.ServiceAccount);
        var kek = KeyDerivation.DeriveUpstreamKey(CompatVectors.MasterKey, identity);
        var parsed = CiphertextParser.Parse(v.Ciphertext);

        string plaintext;
        if (v.IsEnvelope)
        {
            Assert.Equal(CiphertextFormat.UpstreamEnvelope, parsed.Format);
            var wrapped = CiphertextParser.Parse(parsed.WrappedKey);
            var dekText = Encoding.UTF8.GetString(AesCbc.Decrypt(kek, wrapped.Iv, wrapped.Body));
            Assert.True(DataKey.TryFromBase64(dekText, out var dek));
            using (dek)
            {
                plaintext = dek!.DecryptPayload(parsed);
            }
        }
        else
        {
            Assert.Equal(CiphertextFormat.UpstreamAes, parsed.Format);
            plaintext = Encoding.UTF8.GetString(AesCbc.Decrypt(kek, parsed.Iv, parsed.Body));
        }

        Assert.Equal(v.Plaintext, plaintext);
    }

    [Fact]
    public void A_value_for_one_identity_does_not_decrypt_under_another_identitys_upstream_key()
    {
        var v = CompatVectors.All.First(x => x.Mode == "aes-derived" && x.Id == "team-a:api");
        var parsed = CiphertextParser.Parse(v.Ciphertext);
        var otherKey = KeyDerivation.DeriveUpstreamKey(CompatVectors.MasterKey, new ServiceAccountIdentity("team-a", "web"));
        string? result = null;
        try
        {
            result = Encoding.UTF8.GetString(AesCbc.Decrypt(otherKey, parsed.Iv, parsed.Body));
        }
        catch (CryptographicException)
        {
        }

        Assert.NotEqual(v.Plaintext, result);
    }

    [Fact]
    public void V2_envelope_round_trips_and_parses_its_parts()
    {
        var identity = new ServiceAccountIdentity("prod", "orders-api");
        var kek = KeyDerivation.DeriveV2Key(CompatVectors.MasterKey, "k1", identity);
        using var dek = DataKey.Generate();
        var sealedKey = AesGcmSealer.Seal(kek, dek.Bytes, V2Layout.DataKeyAssociatedData("k1", identity));
        var text = V2Layout.FormatEnvelope("k1", sealedKey, dek.SealPayload("hunter2"u8));

        var parsed = CiphertextParser.Parse(text);

        Assert.Equal(CiphertextFormat.V2Envelope, parsed.Format);
        Assert.Equal("k1", parsed.KeyId);
        Assert.Equal(V2Layout.FormatWrappedKey("k1", sealedKey), parsed.WrappedKey);
        Assert.Equal("hunter2", dek.DecryptPayload(parsed));
        Assert.True(parsed.Format.IsAuthenticated());
    }

    [Fact]
    public void V2_key_derivation_is_separated_from_upstreams()
    {
        var identity = new ServiceAccountIdentity("prod", "orders-api");
        Assert.NotEqual(KeyDerivation.DeriveUpstreamKey(CompatVectors.MasterKey, identity), KeyDerivation.DeriveV2Key(CompatVectors.MasterKey, "k1", identity));
        Assert.NotEqual(KeyDerivation.DeriveV2Key(CompatVectors.MasterKey, "k1", identity), KeyDerivation.DeriveV2Key(CompatVectors.MasterKey, "k2", identity));
    }

    [Fact]
    public void Changing_any_character_of_a_v2_envelope_is_detected()
    {
        var identity = new ServiceAccountIdentity("prod", "orders-api");
        var kek = KeyDerivation.DeriveV2Key(CompatVectors.MasterKey, "k1", identity);
        using var dek = DataKey.Generate();
        var sealedKey = AesGcmSealer.Seal(kek, dek.Bytes, V2Layout.DataKeyAssociatedData("k1", identity));
        var text = V2Layout.FormatEnvelope("k1", sealedKey, dek.SealPayload("hunter2"u8));

        for (var i = 0; i < text.Length; i++)
        {
            var chars = text.ToCharArray();
            chars[i] = chars[i] == 'A' ? 'B' : 'A';
            var tampered = new string(chars);
            Assert.False(OpensAs(tampered, kek, "k1", identity, dek, "hunter2"), $"tampering at {i} was not detected");
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("plain text")]
    [InlineData("abc:def")]
    [InlineData("env$")]
    [InlineData("env$abc")]
    [InlineData("env$a$b$c")]
    [InlineData("k2.")]
    [InlineData("k2.k1")]
    [InlineData("k2.bad id.AAAA")]
    [InlineData("k2e.k1.AAAA.AAAA")]
    [InlineData("k2k.k1.AAAA")]
    [InlineData("8MwhIQ2JEIK358M5QnY4MQ==:35VnRNymq7hQNExg6Khmo")]
    public void Malformed_input_gets_a_reason_that_does_not_repeat_it(string input)
    {
        Assert.False(CiphertextParser.TryParse(input, out _, out var reason));
        Assert.False(string.IsNullOrWhiteSpace(reason));
        if (input.Length > 4)
        {
            Assert.DoesNotContain(input, reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Fingerprint_is_eight_hex_digits_and_stable()
    {
        var fp = CiphertextFingerprint.Of("abc");
        Assert.Equal("ba7816bf", fp);
    }

    [Theory]
    [InlineData("default", true)]
    [InlineData("kube-system", true)]
    [InlineData("Team-A", false)]
    [InlineData("-a", false)]
    [InlineData("a_b", false)]
    [InlineData("", false)]
    public void Namespace_names_follow_rfc1123_labels(string name, bool valid) =>
        Assert.Equal(valid, KubernetesNames.IsValidNamespace(name));

    private static bool OpensAs(string text, byte[] kek, string keyId, ServiceAccountIdentity identity, DataKey dek, string expected)
    {
        if (!CiphertextParser.TryParse(text, out var parsed, out _) || parsed.Format != CiphertextFormat.V2Envelope || parsed.KeyId != keyId)
        {
            return false;
        }

        try
        {
            var unwrapped = AesGcmSealer.Open(kek, parsed.SealedKey, parsed.SealAssociatedData(identity));
            using var key = DataKey.FromBytes(unwrapped);
            return key.DecryptPayload(parsed) == expected;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
