using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Kamus.Wire.Crypto.Hpke;
using Kamus.Wire.Identity;

namespace Kamus.Wire.Formats;

/// <summary>
/// The text layout, key ids and HPKE inputs of offline values (see <c>docs/formats.md</c>): values sealed with HPKE to a
/// service account's public key, by anyone holding its key statement, without calling the server.
/// <code>
/// "k2h." suite "." keyId ["~" b64url(context)] "." b64url(enc) "." b64url(ciphertext)
/// </code>
/// The optional <see cref="CiphertextContext"/> is carried and authenticated as in the v2 formats.
/// </summary>
internal static class OfflineLayout
{
    /// <summary>Prefix of an offline value.</summary>
    public const string ValuePrefix = "k2h.";

    /// <summary>The suite part: the three HPKE ids in lowercase hex, <c>kem-kdf-aead</c>.</summary>
    public const int SuiteTextLength = 14;

    // The longest epoch written in a key id ("e" + up to 10 digits + "-" + 8 fingerprint characters <= 32).
    private const int FingerprintBytes = 6;

    /// <summary>Formats the suite part, for example <c>0010-0001-0002</c>.</summary>
    public static string FormatSuite(HpkeSuite suite) =>
        string.Create(CultureInfo.InvariantCulture, $"{suite.KemId:x4}-{suite.KdfId:x4}-{suite.AeadId:x4}");

    /// <summary>Parses the suite part (any ids: whether they are supported is the reader's question).</summary>
    public static bool TryParseSuite(ReadOnlySpan<char> text, out HpkeSuite suite)
    {
        suite = default;
        if (text.Length != SuiteTextLength || text[4] != '-' || text[9] != '-'
            || !TryParseHexId(text[..4], out var kem) || !TryParseHexId(text[5..9], out var kdf) || !TryParseHexId(text[10..], out var aead))
        {
            return false;
        }

        suite = new HpkeSuite(kem, kdf, aead);
        return true;
    }

    /// <summary>
    /// The key id of a service account's public key: <c>"e" epoch "-" b64url(SHA-256(publicKey)[..6])</c>. The epoch
    /// tells the server which key pair to derive; the fingerprint names the exact key, so a value sealed to another key
    /// (another account, another server) is told apart before any decryption.
    /// </summary>
    public static string KeyId(int epoch, ReadOnlySpan<byte> publicKey)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(epoch, 1);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(publicKey, hash);
        return string.Create(CultureInfo.InvariantCulture, $"e{epoch}-{Base64Url.EncodeToString(hash[..FingerprintBytes])}");
    }

    /// <summary>Reads the epoch of a key id made by <see cref="KeyId"/>.</summary>
    public static bool TryParseEpoch(ReadOnlySpan<char> keyId, out int epoch)
    {
        epoch = 0;
        var dash = keyId.IndexOf('-');
        return keyId.Length > 2 && keyId[0] == 'e' && dash > 1
            && keyId[1] != '0'
            && int.TryParse(keyId[1..dash], NumberStyles.None, CultureInfo.InvariantCulture, out epoch)
            && keyId.Length - dash - 1 == Base64Url.GetEncodedLength(FingerprintBytes)
            && Base64Url.IsValid(keyId[(dash + 1)..]);
    }

    /// <summary>HPKE's <c>info</c>: the format version and the identity, so a value opens only for the account it was sealed to.</summary>
    public static byte[] Info(ServiceAccountIdentity identity) => Encoding.UTF8.GetBytes($"kamus/k2h/v1|{identity}");

    /// <summary>HPKE's <c>aad</c>: the format version, and the <see cref="CiphertextContext"/> when the value is bound to one (last, after a '|').</summary>
    public static byte[] AssociatedData(string? context) =>
        context is null ? "kamus/k2h/v1"u8.ToArray() : Encoding.UTF8.GetBytes($"kamus/k2h/v1|{context}");

    /// <summary>Formats an offline value.</summary>
    public static string Format(HpkeSuite suite, string keyId, string? context, ReadOnlySpan<byte> encapsulatedKey, ReadOnlySpan<byte> sealedMessage) =>
        string.Concat(
            ValuePrefix, FormatSuite(suite), ".", CiphertextContext.Segment(keyId, context), ".",
            Base64Url.EncodeToString(encapsulatedKey), ".", Base64Url.EncodeToString(sealedMessage));

    private static bool TryParseHexId(ReadOnlySpan<char> text, out ushort id) =>
        ushort.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out id) && !text.ContainsAnyInRange('A', 'F');
}
