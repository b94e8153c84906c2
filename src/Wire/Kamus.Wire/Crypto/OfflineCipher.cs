using System.Security.Cryptography;
using Kamus.Wire.Crypto.Hpke;
using Kamus.Wire.Formats;
using Kamus.Wire.Identity;

namespace Kamus.Wire.Crypto;

/// <summary>
/// Seals and opens offline values (<see cref="OfflineLayout"/>): HPKE base mode, single-shot, with the identity in
/// <c>info</c> and the optional <see cref="CiphertextContext"/> in <c>aad</c> (and in the text, so the reader knows it). Sealing needs only the public key; opening needs the private key,
/// which only the server derives.
/// </summary>
internal static class OfflineCipher
{
    /// <summary>Seals <paramref name="plaintext"/> to <paramref name="recipient"/>, the public key named <paramref name="keyId"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="context"/> is not a valid <see cref="CiphertextContext"/>.</exception>
    public static string Seal(HpkeSuite suite, string keyId, HpkePublicKey recipient, ServiceAccountIdentity identity, ReadOnlySpan<byte> plaintext, string? context)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        if (context is not null && !CiphertextContext.IsValid(context))
        {
            throw new ArgumentException("A context is <kind>:<where>, 1 to 1024 UTF-8 bytes, without control characters.", nameof(context));
        }

        Span<byte> encapsulatedKey = stackalloc byte[DhKemP256.EncapsulatedKeyLength];
        var sealedMessage = new byte[HpkeContext.SealedLength(plaintext.Length)];
        using (var sender = HpkeBaseMode.SetupBaseSender(suite, recipient, OfflineLayout.Info(identity), encapsulatedKey))
        {
            sender.Seal(OfflineLayout.AssociatedData(context), plaintext, sealedMessage);
        }

        return OfflineLayout.Format(suite, keyId, context, encapsulatedKey, sealedMessage);
    }

    /// <summary>Opens an offline value (with the context it carries) with the private key its key id names. The caller zeroes the result.</summary>
    /// <exception cref="CryptographicException">The value was sealed to another key or identity, or altered (its context included).</exception>
    /// <exception cref="NotSupportedException">The value's HPKE suite is not implemented.</exception>
    public static byte[] Open(ParsedCiphertext value, HpkePrivateKey recipient, ServiceAccountIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(recipient);
        if (value.Format != CiphertextFormat.OfflineValue)
        {
            throw new ArgumentException("Not an offline value.", nameof(value));
        }

        var plaintext = new byte[value.Body.Length - HpkeSuite.TagLength];
        using var receiver = HpkeBaseMode.SetupBaseRecipient(value.Suite, value.EncapsulatedKey, recipient, OfflineLayout.Info(identity));
        receiver.Open(OfflineLayout.AssociatedData(value.Context), value.Body, plaintext);
        return plaintext;
    }
}
