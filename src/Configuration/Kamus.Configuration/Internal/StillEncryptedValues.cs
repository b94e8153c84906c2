using Kamus.Client;
using Microsoft.Extensions.Configuration;

namespace Kamus.Configuration.Internal;

/// <summary>
/// Finds values that still carry the marker in a final configuration: a source added after <c>AddKamus()</c> (or not
/// wrapped by it) would otherwise hand the raw ciphertext to the app as if it were the secret.
/// </summary>
internal static class StillEncryptedValues
{
    public const string Reason =
        "still encrypted after every configuration source was applied: it comes from a source added after AddKamus(); " +
        "add that source before calling AddKamus() (AddKamus() decrypts the sources added before it)";

    /// <summary>Every key under <paramref name="configuration"/> whose value looks encrypted, as a failure naming the key.</summary>
    public static List<KamusDecryptionFailure> Find(IConfiguration configuration, string marker)
    {
        var found = new List<KamusDecryptionFailure>();
        foreach (var (key, value) in configuration.AsEnumerable())
        {
            if (EncryptedValue.TryGetCiphertext(value, marker, out var ciphertext))
            {
                found.Add(new KamusDecryptionFailure(key, KamusErrorKind.Configuration, Wire.Formats.CiphertextFingerprint.Of(ciphertext), Reason));
            }
        }

        return found;
    }
}
