using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Kamus.Wire.Crypto.Hpke;

/// <summary>
/// An HPKE encryption context (RFC 9180 §5.2): the AEAD key and base nonce from the key schedule, and the sequence
/// number that makes each message's nonce unique. A sender seals and a recipient opens messages in the same order.
/// Not thread-safe (the sequence number is state). Kamus seals one message per context.
/// </summary>
internal sealed class HpkeContext : IDisposable
{
    private const byte ModeBase = 0x00;

    private readonly AesGcm _aead;
    private readonly byte[] _baseNonce;
    private ulong _sequence;

    private HpkeContext(AesGcm aead, byte[] baseNonce)
    {
        _aead = aead;
        _baseNonce = baseNonce;
    }

    /// <summary>The length of a sealed message: the plaintext and the tag.</summary>
    public static int SealedLength(int plaintextLength) => plaintextLength + HpkeSuite.TagLength;

    /// <summary>
    /// <c>KeySchedule(mode_base, shared_secret, info, default_psk, default_psk_id)</c>: writes the AEAD key
    /// (<paramref name="key"/>, Nk bytes) and base nonce (12 bytes). The exporter secret is not derived: Kamus exports nothing.
    /// </summary>
    public static void KeySchedule(HpkeSuite suite, ReadOnlySpan<byte> sharedSecret, ReadOnlySpan<byte> info, Span<byte> key, Span<byte> baseNonce)
    {
        Span<byte> suiteId = stackalloc byte[HpkeSuite.SuiteIdLength];
        suite.WriteSuiteId(suiteId);

        // key_schedule_context = mode || LabeledExtract("", "psk_id_hash", psk_id) || LabeledExtract("", "info_hash", info)
        Span<byte> context = stackalloc byte[1 + (2 * HpkeKdf.HashLength)];
        context[0] = ModeBase;
        HpkeKdf.LabeledExtract(suiteId, [], "psk_id_hash"u8, [], context.Slice(1, HpkeKdf.HashLength));
        HpkeKdf.LabeledExtract(suiteId, [], "info_hash"u8, info, context[(1 + HpkeKdf.HashLength)..]);

        Span<byte> secret = stackalloc byte[HpkeKdf.HashLength];
        try
        {
            // secret = LabeledExtract(shared_secret, "secret", psk), with the empty default psk of base mode.
            HpkeKdf.LabeledExtract(suiteId, sharedSecret, "secret"u8, [], secret);
            HpkeKdf.LabeledExpand(suiteId, secret, "key"u8, context, key[..suite.KeyLength]);
            HpkeKdf.LabeledExpand(suiteId, secret, "base_nonce"u8, context, baseNonce[..HpkeSuite.NonceLength]);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>Runs the key schedule and returns a context holding its key.</summary>
    public static HpkeContext Create(HpkeSuite suite, ReadOnlySpan<byte> sharedSecret, ReadOnlySpan<byte> info)
    {
        Span<byte> key = stackalloc byte[32];
        var baseNonce = new byte[HpkeSuite.NonceLength];
        try
        {
            KeySchedule(suite, sharedSecret, info, key, baseNonce);
            return new HpkeContext(new AesGcm(key[..suite.KeyLength], HpkeSuite.TagLength), baseNonce);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary><c>ContextS.Seal(aad, pt)</c>: writes <c>ciphertext || tag</c> (<see cref="SealedLength"/> bytes) to <paramref name="sealedMessage"/>.</summary>
    public void Seal(ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> plaintext, Span<byte> sealedMessage)
    {
        Span<byte> nonce = stackalloc byte[HpkeSuite.NonceLength];
        NextNonce(nonce);
        _aead.Encrypt(nonce, plaintext, sealedMessage[..plaintext.Length], sealedMessage.Slice(plaintext.Length, HpkeSuite.TagLength), associatedData);
    }

    /// <summary><c>ContextR.Open(aad, ct)</c>: writes the plaintext (the message's length less the tag) to <paramref name="plaintext"/>.</summary>
    /// <exception cref="CryptographicException">The message, its associated data, or the context is not the one it was sealed with.</exception>
    public void Open(ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> sealedMessage, Span<byte> plaintext)
    {
        if (sealedMessage.Length < HpkeSuite.TagLength)
        {
            throw new CryptographicException("The sealed message is shorter than its tag.");
        }

        var length = sealedMessage.Length - HpkeSuite.TagLength;
        Span<byte> nonce = stackalloc byte[HpkeSuite.NonceLength];
        NextNonce(nonce);
        _aead.Decrypt(nonce, sealedMessage[..length], sealedMessage[length..], plaintext[..length], associatedData);
    }

    /// <summary>Zeroes the key.</summary>
    public void Dispose() => _aead.Dispose();

    /// <summary>Never shows the key.</summary>
    public override string ToString() => "HpkeContext(redacted)";

    // nonce = base_nonce XOR I2OSP(seq, Nn); the sequence number fits in 64 bits, far below RFC 9180's 2^96 - 1 limit.
    private void NextNonce(Span<byte> nonce)
    {
        if (_sequence == ulong.MaxValue)
        {
            throw new CryptographicException("The HPKE context's sequence number is exhausted.");
        }

        _baseNonce.CopyTo(nonce);
        var tail = nonce[(HpkeSuite.NonceLength - sizeof(ulong))..];
        BinaryPrimitives.WriteUInt64BigEndian(tail, BinaryPrimitives.ReadUInt64BigEndian(tail) ^ _sequence);
        _sequence++;
    }
}
