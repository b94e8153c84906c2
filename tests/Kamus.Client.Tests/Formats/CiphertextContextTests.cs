using Kamus.Testing;
using Kamus.Wire.Crypto;
using Kamus.Wire.Formats;
using Kamus.Wire.Identity;

namespace Kamus.Client.Tests.Formats;

/// <summary>The optional bound context of the v2 formats: its text form, its parse, and its place in the authenticated data.</summary>
public class CiphertextContextTests
{
    private static readonly ServiceAccountIdentity Identity = new("prod", "orders-api");

    [Fact]
    public void A_bound_envelope_carries_its_context_in_the_text_and_in_its_wrapped_key()
    {
        var (text, kek, dek) = BoundEnvelope("kamussecret:prod/db/tls.key");

        var parsed = CiphertextParser.Parse(text);

        Assert.StartsWith("k2e.k1~", text, StringComparison.Ordinal);
        Assert.Equal("kamussecret:prod/db/tls.key", parsed.Context);
        Assert.Equal("k1", parsed.KeyId);
        Assert.Equal("kamussecret:prod/db/tls.key", CiphertextParser.Parse(parsed.WrappedKey).Context);
        Assert.Equal(dek.Bytes.ToArray(), AesGcmSealer.Open(kek, parsed.SealedKey, parsed.SealAssociatedData(Identity)));
        Assert.Contains("bound to kamussecret:prod/db/tls.key", parsed.ToString(), StringComparison.Ordinal);
        dek.Dispose();
    }

    [Fact]
    public void The_context_is_authenticated_a_value_read_without_it_or_with_another_does_not_open()
    {
        var (text, kek, dek) = BoundEnvelope("config:ConnectionStrings:Db");
        var parsed = CiphertextParser.Parse(text);

        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => AesGcmSealer.Open(kek, parsed.SealedKey, V2Layout.DataKeyAssociatedData("k1", Identity)));
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => AesGcmSealer.Open(kek, parsed.SealedKey, V2Layout.DataKeyAssociatedData("k1", Identity, "config:ConnectionStrings:Other")));
        dek.Dispose();
    }

    [Fact]
    public void Unbound_values_keep_their_exact_former_text_and_associated_data()
    {
        Assert.Equal("kamus/v2/value|k1|prod:orders-api"u8.ToArray(), V2Layout.ValueAssociatedData("k1", Identity));
        Assert.Equal("kamus/v2/dek|k1|prod:orders-api"u8.ToArray(), V2Layout.DataKeyAssociatedData("k1", Identity));
        Assert.Equal("kamus/v2/dek|k1|prod:orders-api|config:a"u8.ToArray(), V2Layout.DataKeyAssociatedData("k1", Identity, "config:a"));
        Assert.Equal("k1", CiphertextContext.Segment("k1", null));
        Assert.Null(CiphertextParser.Parse(V2Layout.FormatValue("k1", new byte[40])).Context);
    }

    [Theory]
    [InlineData("k2.k1~.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]             // empty context
    [InlineData("k2.k1~bm8ta2luZA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]   // "no-kind": no ':'
    [InlineData("k2.k1~Y29uZmlnOmE=.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")] // padded: not canonical
    [InlineData("k2.k1~Y29uZmlnOmF.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]  // non-zero trailing bits
    [InlineData("k2.k1~Y29uZmlnOgo.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]  // "config:\n": a control character
    [InlineData("k2.~Y29uZmlnOmE.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]    // no key id
    public void A_malformed_context_is_refused_with_a_reason_that_quotes_nothing(string text)
    {
        Assert.False(CiphertextParser.TryParse(text, out _, out var reason));
        Assert.DoesNotContain("Y29u", reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("kamussecret:ns/name/key", true)]
    [InlineData("config:Orders:Database", true)]
    [InlineData("config:ünïcode", true)]
    [InlineData("", false)]
    [InlineData(":x", false)]
    [InlineData("nokind", false)]
    [InlineData("config:a\u0000b", false)]
    public void Contexts_are_kind_colon_text_without_control_characters(string context, bool valid) =>
        Assert.Equal(valid, CiphertextContext.IsValid(context));

    [Fact]
    public void A_context_with_a_lone_surrogate_is_not_text_and_is_refused() =>
        Assert.False(CiphertextContext.IsValid("config:" + '\ud800'));

    [Fact]
    public void A_context_longer_than_1024_bytes_is_refused()
    {
        Assert.True(CiphertextContext.IsValid("config:" + new string('a', 1024 - 7)));
        Assert.False(CiphertextContext.IsValid("config:" + new string('a', 1024 - 6)));
    }

    private static (string Text, byte[] Kek, DataKey Dek) BoundEnvelope(string context)
    {
        var kek = KeyDerivation.DeriveV2Key(CompatVectors.MasterKey, "k1", Identity);
        var dek = DataKey.Generate();
        var sealedKey = AesGcmSealer.Seal(kek, dek.Bytes, V2Layout.DataKeyAssociatedData("k1", Identity, context));
        return (V2Layout.FormatEnvelope("k1", sealedKey, dek.SealPayload("hunter2"u8), context), kek, dek);
    }
}
