using System.Security.Cryptography;
using Kamus.Wire.Crypto;
using Kamus.Wire.Formats;
using Kamus.Wire.Identity;

namespace Kamus.Client.Tests.Formats;

/// <summary>Binding a v2 value or envelope payload to a context (key swapping), at the format level.</summary>
public class ValueContextTests
{
    private static readonly ServiceAccountIdentity Identity = new("prod", "orders-api");

    [Fact]
    public void A_bound_envelope_has_its_own_prefix_and_opens_only_in_its_context()
    {
        var (text, dek) = Envelope("hunter2", "config:orders:database");
        using (dek)
        {
            var parsed = CiphertextParser.Parse(text);

            Assert.StartsWith(V2Layout.BoundEnvelopePrefix, text, StringComparison.Ordinal);
            Assert.Equal(CiphertextFormat.V2Envelope, parsed.Format);
            Assert.True(parsed.IsContextBound);
            Assert.StartsWith(V2Layout.WrappedKeyPrefix, parsed.WrappedKey, StringComparison.Ordinal);
            Assert.Equal("hunter2", dek.DecryptPayload(parsed, "config:orders:database"));
            Assert.ThrowsAny<CryptographicException>(() => dek.DecryptPayload(parsed, "config:orders:url"));
            Assert.ThrowsAny<CryptographicException>(() => dek.DecryptPayload(parsed, null));
            Assert.ThrowsAny<CryptographicException>(() => dek.DecryptPayload(parsed));
        }
    }

    [Fact]
    public void Stripping_the_bound_flag_does_not_make_a_bound_payload_open_unbound()
    {
        var (text, dek) = Envelope("hunter2", "config:a");
        using (dek)
        {
            var stripped = V2Layout.EnvelopePrefix + text[V2Layout.BoundEnvelopePrefix.Length..];
            var parsed = CiphertextParser.Parse(stripped);

            Assert.False(parsed.IsContextBound);
            Assert.ThrowsAny<CryptographicException>(() => dek.DecryptPayload(parsed, "config:a"));
        }
    }

    [Fact]
    public void An_unbound_envelope_ignores_the_context_the_reader_names()
    {
        var (text, dek) = Envelope("old", context: null);
        using (dek)
        {
            var parsed = CiphertextParser.Parse(text);

            Assert.StartsWith(V2Layout.EnvelopePrefix, text, StringComparison.Ordinal);
            Assert.False(parsed.IsContextBound);
            Assert.Equal("old", dek.DecryptPayload(parsed, "config:anything"));
        }
    }

    [Fact]
    public void A_bound_value_carries_the_context_in_its_associated_data_only()
    {
        var kek = KeyDerivation.DeriveV2Key(CompatVectors.MasterKey, "k1", Identity);
        var sealedValue = AesGcmSealer.Seal(kek, "v"u8, V2Layout.ValueAssociatedData("k1", Identity, "config:x"));
        var text = V2Layout.FormatValue("k1", sealedValue, contextBound: true);
        var parsed = CiphertextParser.Parse(text);

        Assert.StartsWith(V2Layout.BoundValuePrefix, text, StringComparison.Ordinal);
        Assert.DoesNotContain("config", text, StringComparison.Ordinal);
        Assert.Equal(CiphertextFormat.V2Value, parsed.Format);
        Assert.True(parsed.IsContextBound);
        Assert.Equal("v"u8.ToArray(), AesGcmSealer.Open(kek, parsed.Body, parsed.SealAssociatedData(Identity, "config:x")));
        Assert.ThrowsAny<CryptographicException>(() => AesGcmSealer.Open(kek, parsed.Body, parsed.SealAssociatedData(Identity, "config:y")));
        Assert.ThrowsAny<CryptographicException>(() => AesGcmSealer.Open(kek, parsed.Body, parsed.SealAssociatedData(Identity)));
        Assert.NotEqual(V2Layout.ValueAssociatedData("k1", Identity), V2Layout.ValueAssociatedData("k1", Identity, "config:x"));
        Assert.Equal(V2Layout.ValueAssociatedData("k1", Identity), V2Layout.ValueAssociatedData("k1", Identity, null));
    }

    [Theory]
    [InlineData("ConnectionStrings:Orders", "config:connectionstrings:orders")]
    [InlineData("Items:0:Password", "config:items:0:password")]
    public void A_configuration_key_context_is_case_insensitive(string key, string expected) =>
        Assert.Equal(expected, ValueContext.ForConfigurationKey(key));

    [Theory]
    [InlineData("")]
    [InlineData("a\nb")]
    public void Invalid_contexts_are_refused_when_sealing(string context)
    {
        using var dek = DataKey.Generate();

        Assert.False(ValueContext.IsValid(context));
        Assert.Throws<ArgumentException>(() => dek.SealPayload("x"u8, context));
    }

    private static (string Text, DataKey Key) Envelope(string plaintext, string? context)
    {
        var kek = KeyDerivation.DeriveV2Key(CompatVectors.MasterKey, "k1", Identity);
        var dek = DataKey.Generate();
        var sealedKey = AesGcmSealer.Seal(kek, dek.Bytes, V2Layout.DataKeyAssociatedData("k1", Identity));
        var payload = dek.SealPayload(System.Text.Encoding.UTF8.GetBytes(plaintext), context);
        return (V2Layout.FormatEnvelope("k1", sealedKey, payload, contextBound: context is not null), dek);
    }
}
