using System.Security.Cryptography;
using System.Text;
using Kamus.Wire.Crypto;
using Kamus.Wire.Crypto.Hpke;
using Kamus.Wire.Formats;
using Kamus.Wire.Identity;

namespace Kamus.Wire.Tests.Formats;

public sealed class OfflineLayoutTests
{
    private static readonly ServiceAccountIdentity Orders = new("team-a", "orders");
    private static readonly ServiceAccountIdentity Billing = new("team-a", "billing");

    [Fact]
    public void A_value_sealed_to_an_accounts_key_opens_for_that_account_only()
    {
        using var key = DhKemP256.DeriveKeyPair(RandomNumberGenerator.GetBytes(32));
        var keyId = OfflineLayout.KeyId(3, key.EncodedPublicKey);
        var text = OfflineCipher.Seal(HpkeSuite.P256Sha256Aes256Gcm, keyId, Public(key), Orders, "s3cr3t ☃"u8, context: null);

        Assert.StartsWith("k2h.0010-0001-0002." + keyId + ".", text, StringComparison.Ordinal);
        var parsed = CiphertextParser.Parse(text);
        Assert.Equal(CiphertextFormat.OfflineValue, parsed.Format);
        Assert.True(OfflineLayout.TryParseEpoch(parsed.KeyId, out var epoch));
        Assert.Equal(3, epoch);
        Assert.Equal("s3cr3t ☃", Encoding.UTF8.GetString(OfflineCipher.Open(parsed, key, Orders)));
        Assert.ThrowsAny<CryptographicException>(() => OfflineCipher.Open(parsed, key, Billing));
    }

    [Fact]
    public void A_bound_context_is_carried_as_in_the_v2_formats_and_authenticated()
    {
        using var key = DhKemP256.DeriveKeyPair(RandomNumberGenerator.GetBytes(32));
        var keyId = OfflineLayout.KeyId(1, key.EncodedPublicKey);
        var text = OfflineCipher.Seal(HpkeSuite.P256Sha256Aes256Gcm, keyId, Public(key), Orders, "v"u8, "config:ConnectionStrings:Orders");
        var parsed = CiphertextParser.Parse(text);

        Assert.StartsWith($"k2h.0010-0001-0002.{CiphertextContext.Segment(keyId, "config:ConnectionStrings:Orders")}.", text, StringComparison.Ordinal);
        Assert.Equal("config:ConnectionStrings:Orders", parsed.Context);
        Assert.Equal("v"u8.ToArray(), OfflineCipher.Open(parsed, key, Orders));

        // Relabelled with another context (or with none), it does not open.
        var relabelled = CiphertextParser.Parse(text.Replace(CiphertextContext.Segment(keyId, "config:ConnectionStrings:Orders"), CiphertextContext.Segment(keyId, "config:ConnectionStrings:Billing"), StringComparison.Ordinal));
        var unbound = CiphertextParser.Parse(text.Replace(CiphertextContext.Segment(keyId, "config:ConnectionStrings:Orders"), keyId, StringComparison.Ordinal));
        Assert.ThrowsAny<CryptographicException>(() => OfflineCipher.Open(relabelled, key, Orders));
        Assert.ThrowsAny<CryptographicException>(() => OfflineCipher.Open(unbound, key, Orders));
        Assert.Throws<ArgumentException>(() => OfflineCipher.Seal(HpkeSuite.P256Sha256Aes256Gcm, keyId, Public(key), Orders, "v"u8, "no kind"));
    }

    [Fact]
    public void Changing_any_character_of_an_offline_value_is_detected()
    {
        using var key = DhKemP256.DeriveKeyPair(RandomNumberGenerator.GetBytes(32));
        var text = OfflineCipher.Seal(HpkeSuite.P256Sha256Aes256Gcm, OfflineLayout.KeyId(1, key.EncodedPublicKey), Public(key), Orders, "value"u8, null);
        var detected = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var altered = text[..i] + (text[i] == 'A' ? 'B' : 'A') + text[(i + 1)..];
            if (!CiphertextParser.TryParse(altered, out var parsed, out _)
                || parsed.Format != CiphertextFormat.OfflineValue
                || parsed.Suite != HpkeSuite.P256Sha256Aes256Gcm
                || parsed.KeyId != OfflineLayout.KeyId(1, key.EncodedPublicKey)
                || Throws(() => OfflineCipher.Open(parsed, key, Orders)))
            {
                detected++;
            }
        }

        Assert.Equal(text.Length, detected);
    }

    private static HpkePublicKey Public(HpkePrivateKey key) => HpkePublicKey.Import(key.EncodedPublicKey);

    private static bool Throws(Action action)
    {
        try
        {
            action();
            return false;
        }
        catch (CryptographicException)
        {
            return true;
        }
    }
}
