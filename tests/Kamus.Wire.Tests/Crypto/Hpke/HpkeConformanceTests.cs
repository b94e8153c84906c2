using System.Security.Cryptography;
using System.Text.Json;
using Kamus.Wire.Crypto.Hpke;

namespace Kamus.Wire.Tests.Crypto.Hpke;

/// <summary>
/// RFC 9180 Appendix A.3.1 (DHKEM(P-256, HKDF-SHA256), HKDF-SHA256, AES-128-GCM, base mode), and AES-256-GCM messages
/// sealed by an independent implementation (tests/TestData/hpke-p256-vectors.json says where each comes from).
/// </summary>
public sealed class HpkeConformanceTests
{
    private static readonly JsonElement Vectors = Load();

    private static JsonElement Rfc => Vectors.GetProperty("rfc9180");

    [Fact]
    public void DeriveKeyPair_gives_the_vectors_key_pairs()
    {
        foreach (var (ikm, sk, pk) in new[] { ("ikmR", "skRm", "pkRm"), ("ikmE", "skEm", "pkEm") })
        {
            using var pair = DhKemP256.DeriveKeyPair(Hex(Rfc, ikm));
            Assert.Equal(Hex(Rfc, sk), pair.ExportScalar());
            Assert.Equal(Hex(Rfc, pk), pair.EncodedPublicKey.ToArray());
        }
    }

    [Fact]
    public void Encap_and_Decap_give_the_vectors_shared_secret()
    {
        using var recipient = DhKemP256.DeriveKeyPair(Hex(Rfc, "ikmR"));
        using var ephemeral = DhKemP256.DeriveKeyPair(Hex(Rfc, "ikmE"));
        using var recipientPublic = HpkePublicKey.Import(Hex(Rfc, "pkRm"));
        var sent = new byte[DhKemP256.SharedSecretLength];
        var enc = new byte[DhKemP256.EncapsulatedKeyLength];
        DhKemP256.Encap(recipientPublic, ephemeral, sent, enc);
        var received = new byte[DhKemP256.SharedSecretLength];
        DhKemP256.Decap(Hex(Rfc, "enc"), recipient, received);

        Assert.Equal(Hex(Rfc, "enc"), enc);
        Assert.Equal(Hex(Rfc, "shared_secret"), sent);
        Assert.Equal(Hex(Rfc, "shared_secret"), received);
    }

    [Fact]
    public void KeySchedule_gives_the_vectors_key_and_base_nonce()
    {
        var key = new byte[16];
        var baseNonce = new byte[HpkeSuite.NonceLength];
        HpkeContext.KeySchedule(Suite(Rfc), Hex(Rfc, "shared_secret"), Hex(Rfc, "info"), key, baseNonce);

        Assert.Equal(Hex(Rfc, "key"), key);
        Assert.Equal(Hex(Rfc, "base_nonce"), baseNonce);
    }

    [Fact]
    public void Sender_seals_every_encryption_of_the_vector_at_its_sequence_number()
    {
        using var recipient = HpkePublicKey.Import(Hex(Rfc, "pkRm"));
        using var ephemeral = DhKemP256.DeriveKeyPair(Hex(Rfc, "ikmE"));
        var enc = new byte[DhKemP256.EncapsulatedKeyLength];
        using var sender = HpkeBaseMode.SetupBaseSender(Suite(Rfc), recipient, ephemeral, Hex(Rfc, "info"), enc);
        Assert.Equal(Hex(Rfc, "enc"), enc);

        var sequence = 0;
        foreach (var encryption in Rfc.GetProperty("encryptions").EnumerateArray())
        {
            // The vector lists sequence numbers 0, 1, 2, 4, 255 and 256: seal throwaway messages to reach each one.
            for (; sequence < encryption.GetProperty("sequence number").GetInt32(); sequence++)
            {
                sender.Seal([], [], new byte[HpkeSuite.TagLength]);
            }

            var plaintext = Hex(encryption, "pt");
            var sealedMessage = new byte[HpkeContext.SealedLength(plaintext.Length)];
            sender.Seal(Hex(encryption, "aad"), plaintext, sealedMessage);
            sequence++;
            Assert.Equal(Hex(encryption, "ct"), sealedMessage);
        }
    }

    [Fact]
    public void Recipient_opens_every_encryption_of_the_vector_at_its_sequence_number()
    {
        using var recipientKey = DhKemP256.DeriveKeyPair(Hex(Rfc, "ikmR"));
        using var recipient = HpkeBaseMode.SetupBaseRecipient(Suite(Rfc), Hex(Rfc, "enc"), recipientKey, Hex(Rfc, "info"));
        var sequence = 0;
        foreach (var encryption in Rfc.GetProperty("encryptions").EnumerateArray())
        {
            for (; sequence < encryption.GetProperty("sequence number").GetInt32(); sequence++)
            {
                // Skipped messages still advance the recipient's nonce; an empty message's tag does not open, which is expected.
                Assert.ThrowsAny<CryptographicException>(() => recipient.Open([], new byte[HpkeSuite.TagLength], Span<byte>.Empty));
            }

            var sealedMessage = Hex(encryption, "ct");
            var plaintext = new byte[sealedMessage.Length - HpkeSuite.TagLength];
            recipient.Open(Hex(encryption, "aad"), sealedMessage, plaintext);
            sequence++;
            Assert.Equal(Hex(encryption, "pt"), plaintext);
        }
    }

    [Fact]
    public void Recipient_opens_AES_256_GCM_messages_sealed_by_an_independent_implementation()
    {
        var interop = Vectors.GetProperty("aes256gcmInterop");
        var suite = Suite(interop);
        Assert.Equal(HpkeSuite.P256Sha256Aes256Gcm, suite);
        using var recipientKey = DhKemP256.DeriveKeyPair(Hex(Rfc, "ikmR"));
        Assert.Equal(Hex(interop, "pkRm"), recipientKey.EncodedPublicKey.ToArray());
        var messages = interop.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(3, messages.Count);
        foreach (var message in messages)
        {
            using var recipient = HpkeBaseMode.SetupBaseRecipient(suite, Hex(message, "enc"), recipientKey, Hex(interop, "info"));
            var sealedMessage = Hex(message, "ct");
            var plaintext = new byte[sealedMessage.Length - HpkeSuite.TagLength];
            recipient.Open(Hex(interop, "aad"), sealedMessage, plaintext);
            Assert.Equal(Hex(message, "pt"), plaintext);
        }
    }

    private static HpkeSuite Suite(JsonElement vector) =>
        new((ushort)vector.GetProperty("kem_id").GetInt32(), (ushort)vector.GetProperty("kdf_id").GetInt32(), (ushort)vector.GetProperty("aead_id").GetInt32());

    private static byte[] Hex(JsonElement element, string name) => Convert.FromHexString(element.GetProperty(name).GetString()!);

    private static JsonElement Load()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "hpke-p256-vectors.json")));
        return document.RootElement.Clone();
    }
}
