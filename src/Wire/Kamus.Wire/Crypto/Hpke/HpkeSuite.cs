using System.Buffers.Binary;

namespace Kamus.Wire.Crypto.Hpke;

/// <summary>
/// An HPKE cipher suite (RFC 9180 §7): the KEM, KDF and AEAD identifiers from the IANA HPKE registry. Only
/// DHKEM(P-256, HKDF-SHA256) with HKDF-SHA256 and AES-128-GCM or AES-256-GCM is implemented; the ids travel in every
/// offline ciphertext so another suite (X25519, ML-KEM) can be added later without ambiguity.
/// </summary>
internal readonly record struct HpkeSuite(ushort KemId, ushort KdfId, ushort AeadId)
{
    /// <summary>DHKEM(P-256, HKDF-SHA256).</summary>
    public const ushort DhKemP256HkdfSha256 = 0x0010;

    /// <summary>HKDF-SHA256.</summary>
    public const ushort HkdfSha256 = 0x0001;

    /// <summary>AES-128-GCM.</summary>
    public const ushort Aes128Gcm = 0x0001;

    /// <summary>AES-256-GCM.</summary>
    public const ushort Aes256Gcm = 0x0002;

    /// <summary>The AEAD nonce length (Nn) of both AES-GCM suites.</summary>
    public const int NonceLength = 12;

    /// <summary>The AEAD tag length (Nt) of both AES-GCM suites.</summary>
    public const int TagLength = 16;

    /// <summary>The length of <c>suite_id</c> for the key schedule: "HPKE" and three 2-byte ids.</summary>
    public const int SuiteIdLength = 10;

    /// <summary>The suite Kamus writes: DHKEM(P-256, HKDF-SHA256), HKDF-SHA256, AES-256-GCM.</summary>
    public static HpkeSuite P256Sha256Aes256Gcm { get; } = new(DhKemP256HkdfSha256, HkdfSha256, Aes256Gcm);

    /// <summary>The suite of the RFC 9180 A.3 test vectors: DHKEM(P-256, HKDF-SHA256), HKDF-SHA256, AES-128-GCM.</summary>
    public static HpkeSuite P256Sha256Aes128Gcm { get; } = new(DhKemP256HkdfSha256, HkdfSha256, Aes128Gcm);

    /// <summary>Whether this implementation supports the suite.</summary>
    public bool IsSupported => KemId == DhKemP256HkdfSha256 && KdfId == HkdfSha256 && AeadId is Aes128Gcm or Aes256Gcm;

    /// <summary>The AEAD key length (Nk).</summary>
    public int KeyLength => AeadId switch
    {
        Aes128Gcm => 16,
        Aes256Gcm => 32,
        _ => throw new NotSupportedException($"HPKE AEAD id {AeadId} is not supported."),
    };

    /// <summary>Writes <c>suite_id = "HPKE" || I2OSP(kem_id, 2) || I2OSP(kdf_id, 2) || I2OSP(aead_id, 2)</c>.</summary>
    public void WriteSuiteId(Span<byte> destination)
    {
        "HPKE"u8.CopyTo(destination);
        BinaryPrimitives.WriteUInt16BigEndian(destination[4..], KemId);
        BinaryPrimitives.WriteUInt16BigEndian(destination[6..], KdfId);
        BinaryPrimitives.WriteUInt16BigEndian(destination[8..], AeadId);
    }

    /// <summary>The ids in hexadecimal, as the registry prints them.</summary>
    public override string ToString() => $"HPKE(kem 0x{KemId:x4}, kdf 0x{KdfId:x4}, aead 0x{AeadId:x4})";
}
