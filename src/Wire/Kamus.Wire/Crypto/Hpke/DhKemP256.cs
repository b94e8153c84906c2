using System.Security.Cryptography;

namespace Kamus.Wire.Crypto.Hpke;

/// <summary>
/// DHKEM(P-256, HKDF-SHA256), the KEM of RFC 9180 §4.1 on .NET's <see cref="ECDiffieHellman"/>: deterministic key pairs
/// (<c>DeriveKeyPair</c>, §7.1.3), and <c>Encap</c>/<c>Decap</c>, whose shared secret binds both public keys.
/// </summary>
internal static class DhKemP256
{
    /// <summary>Nenc: the encapsulated key is the ephemeral public key, 65 bytes.</summary>
    public const int EncapsulatedKeyLength = 65;

    /// <summary>Npk.</summary>
    public const int PublicKeyLength = 65;

    /// <summary>Nsk.</summary>
    public const int PrivateKeyLength = 32;

    /// <summary>Nsecret.</summary>
    public const int SharedSecretLength = 32;

    // suite_id = "KEM" || I2OSP(kem_id, 2)
    private static ReadOnlySpan<byte> SuiteId => [(byte)'K', (byte)'E', (byte)'M', 0x00, 0x10];

    // The order n of the P-256 group, big-endian: a candidate scalar must be in [1, n).
    private static ReadOnlySpan<byte> Order =>
    [
        0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17, 0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51,
    ];

    /// <summary>
    /// <c>DeriveKeyPair(ikm)</c>: the same <paramref name="ikm"/> always gives the same key pair, so a key pair can be
    /// re-derived from a seed instead of stored. <paramref name="ikm"/> must hold at least 32 bytes of entropy.
    /// </summary>
    public static HpkePrivateKey DeriveKeyPair(ReadOnlySpan<byte> ikm)
    {
        var scalar = GC.AllocateArray<byte>(PrivateKeyLength, pinned: true);
        try
        {
            DeriveScalar(ikm, scalar);

            // Given only D, the platform computes the public point (OpenSSL and CNG both do).
            return new HpkePrivateKey(ECDiffieHellman.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = scalar }));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(scalar);
        }
    }

    /// <summary>
    /// The private scalar of <c>DeriveKeyPair(ikm)</c> (32 bytes, big-endian, in [1, n)): a uniformly distributed P-256
    /// private key, which the server also uses for its ECDSA statement-signing key. The caller zeroes it.
    /// </summary>
    public static void DeriveScalar(ReadOnlySpan<byte> ikm, Span<byte> scalar)
    {
        Span<byte> prk = stackalloc byte[HpkeKdf.HashLength];
        try
        {
            HpkeKdf.LabeledExtract(SuiteId, [], "dkp_prk"u8, ikm, prk);
            for (var counter = 0; counter <= 255; counter++)
            {
                // bitmask 0xFF for P-256: the candidate is used as is, and rejected unless 0 < sk < n.
                HpkeKdf.LabeledExpand(SuiteId, prk, "candidate"u8, [(byte)counter], scalar[..PrivateKeyLength]);
                if (scalar.IndexOfAnyExcept((byte)0) >= 0 && scalar[..PrivateKeyLength].SequenceCompareTo(Order) < 0)
                {
                    return;
                }
            }

            // Each candidate fails with probability about 2^-32; 256 failures in a row do not happen.
            CryptographicOperations.ZeroMemory(scalar);
            throw new CryptographicException("DeriveKeyPair found no valid P-256 scalar.");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(prk);
        }
    }

    /// <summary>A fresh random key pair (the ephemeral key of <see cref="Encap(HpkePublicKey, Span{byte}, Span{byte})"/>).</summary>
    public static HpkePrivateKey GenerateKeyPair() => new(ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256));

    /// <summary><c>Encap(pkR)</c> with a fresh ephemeral key: writes the shared secret (32 bytes) and <c>enc</c> (65 bytes).</summary>
    public static void Encap(HpkePublicKey recipient, Span<byte> sharedSecret, Span<byte> encapsulatedKey)
    {
        using var ephemeral = GenerateKeyPair();
        Encap(recipient, ephemeral, sharedSecret, encapsulatedKey);
    }

    /// <summary><c>Encap</c> with a given ephemeral key pair: the conformance tests derive it from the vectors' <c>ikmE</c>.</summary>
    internal static void Encap(HpkePublicKey recipient, HpkePrivateKey ephemeral, Span<byte> sharedSecret, Span<byte> encapsulatedKey)
    {
        var dh = ephemeral.Key.DeriveRawSecretAgreement(recipient.Key);
        try
        {
            ephemeral.EncodedPublicKey.CopyTo(encapsulatedKey);
            ExtractAndExpand(dh, ephemeral.EncodedPublicKey, recipient.Encoded, sharedSecret);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dh);
        }
    }

    /// <summary><c>Decap(enc, skR)</c>: writes the shared secret (32 bytes).</summary>
    /// <exception cref="CryptographicException"><paramref name="encapsulatedKey"/> is not a P-256 point on the curve.</exception>
    public static void Decap(ReadOnlySpan<byte> encapsulatedKey, HpkePrivateKey recipient, Span<byte> sharedSecret)
    {
        using var ephemeral = HpkePublicKey.Import(encapsulatedKey);
        var dh = recipient.Key.DeriveRawSecretAgreement(ephemeral.Key);
        try
        {
            ExtractAndExpand(dh, encapsulatedKey, recipient.EncodedPublicKey, sharedSecret);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dh);
        }
    }

    // shared_secret = LabeledExpand(LabeledExtract("", "eae_prk", dh), "shared_secret", enc || pkRm, Nsecret)
    private static void ExtractAndExpand(ReadOnlySpan<byte> dh, ReadOnlySpan<byte> encapsulatedKey, ReadOnlySpan<byte> recipientKey, Span<byte> sharedSecret)
    {
        Span<byte> prk = stackalloc byte[HpkeKdf.HashLength];
        Span<byte> kemContext = stackalloc byte[EncapsulatedKeyLength + PublicKeyLength];
        try
        {
            HpkeKdf.LabeledExtract(SuiteId, [], "eae_prk"u8, dh, prk);
            encapsulatedKey.CopyTo(kemContext);
            recipientKey.CopyTo(kemContext[EncapsulatedKeyLength..]);
            HpkeKdf.LabeledExpand(SuiteId, prk, "shared_secret"u8, kemContext, sharedSecret[..SharedSecretLength]);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(prk);
        }
    }
}
