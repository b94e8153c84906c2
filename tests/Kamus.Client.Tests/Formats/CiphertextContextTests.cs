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

    [Fact]
    public void A_config_context_bound_in_the_payload_is_carried_after_a_plus_and_its_wrapped_key_is_the_unbound_one()
    {
        var (text, kek, dek) = PayloadBoundEnvelope("config:ConnectionStrings:Db");

        var parsed = CiphertextParser.Parse(text);

        Assert.StartsWith("k2e.k1+Y29uZmln", text, StringComparison.Ordinal);
        Assert.Equal("config:ConnectionStrings:Db", parsed.Context);
        Assert.True(parsed.ContextInPayload);
        Assert.Equal("k1", parsed.KeyId);

        // The data key is sealed unbound: its wrapped key is a plain k2k. text, the same for every value of the batch.
        var wrapped = CiphertextParser.Parse(parsed.WrappedKey);
        Assert.StartsWith("k2k.k1.", parsed.WrappedKey, StringComparison.Ordinal);
        Assert.Null(wrapped.Context);
        Assert.Equal(dek.Bytes.ToArray(), AesGcmSealer.Open(kek, parsed.SealedKey, V2Layout.DataKeyAssociatedData("k1", Identity)));
        Assert.Equal(parsed.SealedKey, wrapped.SealedKey);
        Assert.Equal("hunter2", dek.DecryptPayload(parsed));
        Assert.Contains("bound to config:ConnectionStrings:Db in the payload", parsed.ToString(), StringComparison.Ordinal);
        dek.Dispose();
    }

    [Fact]
    public void A_payload_bound_context_is_authenticated_relabelled_or_stripped_it_does_not_open()
    {
        var (text, _, dek) = PayloadBoundEnvelope("config:A");
        var relabelled = text.Replace(CiphertextContext.Segment("k1", "config:A", inPayload: true), CiphertextContext.Segment("k1", "config:B", inPayload: true), StringComparison.Ordinal);
        var stripped = text.Replace(CiphertextContext.Segment("k1", "config:A", inPayload: true), "k1", StringComparison.Ordinal);
        var moved = text.Replace(CiphertextContext.Segment("k1", "config:A", inPayload: true), CiphertextContext.Segment("k1", "config:A"), StringComparison.Ordinal);

        Assert.NotEqual(text, relabelled);
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => dek.DecryptPayload(CiphertextParser.Parse(relabelled)));
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => dek.DecryptPayload(CiphertextParser.Parse(stripped)));

        // Read as data-key bound ('~'), the same text names a wrapped key sealed with the context, which this is not.
        Assert.NotEqual(CiphertextParser.Parse(text).WrappedKey, CiphertextParser.Parse(moved).WrappedKey);
        dek.Dispose();
    }

    [Fact]
    public void The_payload_associated_data_is_the_label_then_the_context()
    {
        Span<byte> buffer = stackalloc byte[V2Layout.MaxBoundPayloadAssociatedDataSize];
        var length = V2Layout.WriteBoundPayloadAssociatedData("config:a", buffer);

        Assert.Equal("kamus/v2/payload|config:a"u8.ToArray(), buffer[..length].ToArray());
        Assert.Equal("kamus/v2/payload"u8.ToArray(), V2Layout.PayloadAssociatedData.ToArray());
        Assert.Equal(V2Layout.MaxBoundPayloadAssociatedDataSize, V2Layout.WriteBoundPayloadAssociatedData("config:" + new string('a', CiphertextContext.MaxBytes - 7), buffer));
    }

    [Fact]
    public void Segments_put_the_context_after_the_separator_of_its_binding()
    {
        Assert.Equal("k1~Y29uZmlnOmE", CiphertextContext.Segment("k1", "config:a"));
        Assert.Equal("k1+Y29uZmlnOmE", CiphertextContext.Segment("k1", "config:a", inPayload: true));
        Assert.True(CiphertextContext.IsBoundInPayload("config:a"));
        Assert.False(CiphertextContext.IsBoundInPayload("kamussecret:ns/name/key"));
        Assert.False(CiphertextContext.IsBoundInPayload(null));
    }

    [Theory]
    [InlineData("k2e.k1+Y29uZmlnOmE~Y29uZmlnOmE.", "more than one context separator")]      // both separators
    [InlineData("k2e.k1~Y29uZmlnOmE+Y29uZmlnOmE.", "more than one context separator")]
    [InlineData("k2e.k1+Y29uZmlnOmE+Y29uZmlnOmE.", "more than one context separator")]
    [InlineData("k2e.k1+Y29uZmlnOmE=.", "not canonical")]                                   // padded
    [InlineData("k2e.k1+Y29uZmlnOmF.", "not canonical")]                                    // non-zero trailing bits
    [InlineData("k2e.k1+bm8ta2luZA.", "not canonical")]                                     // "no-kind"
    [InlineData("k2e.k1+.", "not canonical")]                                               // empty
    [InlineData("k2e.k1+a2FtdXNzZWNyZXQ6bnMvbmFtZS9rZXk.", "config: context")]              // a KamusSecret context
    [InlineData("k2e.k1+b3RoZXI6eA.", "config: context")]                                   // "other:x"
    public void A_malformed_or_misplaced_payload_context_is_refused(string segment, string expected)
    {
        var text = segment + B64(60) + "." + B64(40);

        Assert.False(CiphertextParser.TryParse(text, out _, out var reason));
        Assert.Contains(expected, reason, StringComparison.Ordinal);
        Assert.DoesNotContain("Y29u", reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("k2.k1+Y29uZmlnOmE.")]   // a single value binds its context in its own seal, after '~' only
    [InlineData("k2k.k1+Y29uZmlnOmE.")]  // a payload-bound envelope's wrapped key is the unbound one
    public void Only_envelopes_carry_a_context_after_a_plus(string segment)
    {
        Assert.False(CiphertextParser.TryParse(segment + B64(60), out _, out var reason));
        Assert.Contains("only an envelope", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_offline_value_carries_its_context_after_a_tilde_only()
    {
        Assert.False(CiphertextParser.TryParse("k2h.0020-0001-0003.e1-abcdef+Y29uZmlnOmE." + B64(32) + "." + B64(40), out _, out var reason));
        Assert.Contains("offline", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_v2_texts_with_a_separator_may_be_bound()
    {
        Assert.True(CiphertextContext.MayBeBound("k2e.k1+Y29uZmlnOmE.x.y"));
        Assert.True(CiphertextContext.MayBeBound("k2e.k1~Y29uZmlnOmE.x.y"));
        Assert.False(CiphertextContext.MayBeBound("k2e.k1.x.y"));
        Assert.False(CiphertextContext.MayBeBound("q+Yr8AAAAAAAAAAAAAAAAA==:AAAA+AAAAAAAAAAAAAAAAA=="));
        Assert.False(CiphertextContext.MayBeBound(null));
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

    private static string B64(int length) => System.Buffers.Text.Base64Url.EncodeToString(new byte[length]);

    private static (string Text, byte[] Kek, DataKey Dek) PayloadBoundEnvelope(string context)
    {
        var kek = KeyDerivation.DeriveV2Key(CompatVectors.MasterKey, "k1", Identity);
        var dek = DataKey.Generate();
        var sealedKey = AesGcmSealer.Seal(kek, dek.Bytes, V2Layout.DataKeyAssociatedData("k1", Identity));
        return (V2Layout.FormatEnvelope("k1", sealedKey, dek.SealPayload("hunter2"u8, context), context, inPayload: true), kek, dek);
    }

    private static (string Text, byte[] Kek, DataKey Dek) BoundEnvelope(string context)
    {
        var kek = KeyDerivation.DeriveV2Key(CompatVectors.MasterKey, "k1", Identity);
        var dek = DataKey.Generate();
        var sealedKey = AesGcmSealer.Seal(kek, dek.Bytes, V2Layout.DataKeyAssociatedData("k1", Identity, context));
        return (V2Layout.FormatEnvelope("k1", sealedKey, dek.SealPayload("hunter2"u8), context), kek, dek);
    }
}
