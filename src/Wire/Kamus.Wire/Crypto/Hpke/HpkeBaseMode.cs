using System.Security.Cryptography;

namespace Kamus.Wire.Crypto.Hpke;

/// <summary>HPKE base mode (RFC 9180 §5.1.1): the sender and recipient setups.</summary>
internal static class HpkeBaseMode
{
    /// <summary>
    /// <c>SetupBaseS(pkR, info)</c>: encapsulates a fresh shared secret to <paramref name="recipient"/>, writes
    /// <c>enc</c> (65 bytes) to <paramref name="encapsulatedKey"/> and returns the sender's context.
    /// </summary>
    /// <exception cref="NotSupportedException">The suite is not implemented.</exception>
    public static HpkeContext SetupBaseSender(HpkeSuite suite, HpkePublicKey recipient, ReadOnlySpan<byte> info, Span<byte> encapsulatedKey)
    {
        using var ephemeral = DhKemP256.GenerateKeyPair();
        return SetupBaseSender(suite, recipient, ephemeral, info, encapsulatedKey);
    }

    /// <summary><c>SetupBaseS</c> with a given ephemeral key pair (the conformance tests derive it from <c>ikmE</c>).</summary>
    internal static HpkeContext SetupBaseSender(HpkeSuite suite, HpkePublicKey recipient, HpkePrivateKey ephemeral, ReadOnlySpan<byte> info, Span<byte> encapsulatedKey)
    {
        EnsureSupported(suite);
        Span<byte> sharedSecret = stackalloc byte[DhKemP256.SharedSecretLength];
        try
        {
            DhKemP256.Encap(recipient, ephemeral, sharedSecret, encapsulatedKey);
            return HpkeContext.Create(suite, sharedSecret, info);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(sharedSecret);
        }
    }

    /// <summary><c>SetupBaseR(enc, skR, info)</c>: the recipient's context for a message sealed to its key.</summary>
    /// <exception cref="CryptographicException"><paramref name="encapsulatedKey"/> is not a valid P-256 point.</exception>
    /// <exception cref="NotSupportedException">The suite is not implemented.</exception>
    public static HpkeContext SetupBaseRecipient(HpkeSuite suite, ReadOnlySpan<byte> encapsulatedKey, HpkePrivateKey recipient, ReadOnlySpan<byte> info)
    {
        EnsureSupported(suite);
        Span<byte> sharedSecret = stackalloc byte[DhKemP256.SharedSecretLength];
        try
        {
            DhKemP256.Decap(encapsulatedKey, recipient, sharedSecret);
            return HpkeContext.Create(suite, sharedSecret, info);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(sharedSecret);
        }
    }

    private static void EnsureSupported(HpkeSuite suite)
    {
        if (!suite.IsSupported)
        {
            throw new NotSupportedException($"{suite} is not supported; Kamus implements DHKEM(P-256, HKDF-SHA256), HKDF-SHA256 with AES-128-GCM or AES-256-GCM.");
        }
    }
}
