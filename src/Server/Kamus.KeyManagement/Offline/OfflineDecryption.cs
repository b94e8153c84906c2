using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Kamus.KeyManagement.Ciphertexts;
using Kamus.Wire.Crypto;
using Kamus.Wire.Formats;
using Kamus.Wire.Identity;

namespace Kamus.KeyManagement.Offline;

/// <summary>
/// Decrypts offline values (<c>k2h.</c>) as the caller's service account: re-derives the account's key pair
/// of the value's epoch, checks that the value names that very key, and opens it. The private key exists only for the
/// duration of the call, inside the server.
/// </summary>
internal static class OfflineDecryption
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Decrypts <paramref name="value"/> for <paramref name="identity"/>.</summary>
    /// <param name="ring">The server's offline keys; <see langword="null"/> when offline encryption is not configured.</param>
    /// <param name="identity">The authenticated caller.</param>
    /// <param name="value">A parsed offline value.</param>
    /// <param name="forKamusSecret">Whether the KamusSecret controller asks (it checked the context already); otherwise a KamusSecret-bound value is refused.</param>
    public static DecryptResult Decrypt(OfflineKeyRing? ring, ServiceAccountIdentity identity, ParsedCiphertext value, bool forKamusSecret = false)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (ring is null)
        {
            return DecryptResult.Invalid("offline values need KeyManagement:Offline, which this server does not have");
        }

        if (!value.Suite.IsSupported)
        {
            return DecryptResult.Invalid($"the value's {value.Suite} is not supported by this server");
        }

        // The parser accepted the key id, so it has an epoch.
        _ = OfflineLayout.TryParseEpoch(value.KeyId, out var epoch);
        if (!ring.IsKnownEpoch(epoch))
        {
            return DecryptResult.Invalid(string.Create(
                CultureInfo.InvariantCulture,
                $"the value names key epoch {epoch}, newer than this server's current epoch {ring.CurrentEpoch} (KeyManagement:Offline:CurrentEpoch)"));
        }

        if (!forKamusSecret && CiphertextContext.IsKamusSecret(value.Context))
        {
            // Only the KamusSecret controller decrypts values bound to a KamusSecret, never a pod.
            return DecryptResult.Forbidden;
        }

        using var recipient = ring.DeriveKeyPair(identity, epoch);
        if (!string.Equals(OfflineLayout.KeyId(epoch, recipient.EncodedPublicKey), value.KeyId, StringComparison.Ordinal))
        {
            // Sealed to another key of this epoch: another account's (or another Kamus deployment's).
            return DecryptResult.Forbidden;
        }

        byte[] plaintext;
        try
        {
            plaintext = OfflineCipher.Open(value, recipient, identity);
        }
        catch (CryptographicException)
        {
            // The value names this account's own key, so it was altered (its context included).
            return DecryptResult.Invalid("the offline value was altered");
        }

        try
        {
            return DecryptResult.Success(StrictUtf8.GetString(plaintext));
        }
        catch (DecoderFallbackException)
        {
            return DecryptResult.Invalid("the offline value is not UTF-8 text");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }
}
