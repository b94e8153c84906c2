using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Kamus.Wire.Crypto;
using Kamus.Wire.Crypto.Hpke;
using Kamus.Wire.Identity;

namespace Kamus.Wire.Formats;

/// <summary>
/// A signed key statement: "the offline public key of service account <c>ns:sa</c> at epoch N is P, until T", signed
/// by the server's statement-signing key (ECDSA P-256, SHA-256). It is public and safe to commit; it lets its holder
/// encrypt for the account and nothing else. Users pin the signer by its <see cref="SignerFingerprint"/>.
/// </summary>
/// <remarks>
/// The signature covers every field but itself, as lines of text (<see cref="SignedText"/>), so it does not depend on
/// how the JSON is formatted; every field is validated to hold no line break.
/// </remarks>
internal sealed class PublicKeyStatement
{
    /// <summary>The <c>kind</c> of every statement.</summary>
    public const string KindName = "KamusPublicKeyStatement";

    /// <summary>The statement version this code writes and reads.</summary>
    public const int CurrentVersion = 1;

    /// <summary>The longest statement text read (a statement is well under 1 KiB).</summary>
    public const int MaxLength = 16 * 1024;

    private const string NotAfterFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'";

    private PublicKeyStatement(HpkeSuite suite, ServiceAccountIdentity identity, int epoch, string keyId, byte[] publicKey, string notAfter, byte[] signer, byte[] signature)
    {
        Suite = suite;
        Identity = identity;
        Epoch = epoch;
        KeyId = keyId;
        PublicKey = publicKey;
        NotAfterText = notAfter;
        NotAfter = DateTimeOffset.ParseExact(notAfter, NotAfterFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        Signer = signer;
        Signature = signature;
    }

    /// <summary>The HPKE suite values for this key are sealed with.</summary>
    public HpkeSuite Suite { get; }

    /// <summary>The service account whose key this is.</summary>
    public ServiceAccountIdentity Identity { get; }

    /// <summary>The key epoch: the server's current one when the statement was made.</summary>
    public int Epoch { get; }

    /// <summary>The public-key id values name (<see cref="OfflineLayout.KeyId"/>).</summary>
    public string KeyId { get; }

    /// <summary>The 65-byte uncompressed P-256 public key.</summary>
    public byte[] PublicKey { get; }

    /// <summary>After this instant the statement is refused for encryption (values made before it still decrypt).</summary>
    public DateTimeOffset NotAfter { get; }

    /// <summary>The signing key's SubjectPublicKeyInfo (DER).</summary>
    public byte[] Signer { get; }

    /// <summary>The SHA-256 fingerprint of <see cref="Signer"/>, lowercase hex: what users pin.</summary>
    public string SignerFingerprint => Sha256Fingerprint.Of(Signer);

    private string NotAfterText { get; }

    private byte[] Signature { get; }

    /// <summary>Makes and signs a statement. <paramref name="notAfter"/> is truncated to whole seconds.</summary>
    public static PublicKeyStatement Create(HpkeSuite suite, ServiceAccountIdentity identity, int epoch, ReadOnlySpan<byte> publicKey, DateTimeOffset notAfter, ECDsa signingKey)
    {
        ArgumentNullException.ThrowIfNull(signingKey);
        var notAfterText = notAfter.UtcDateTime.ToString(NotAfterFormat, CultureInfo.InvariantCulture);
        var signer = signingKey.ExportSubjectPublicKeyInfo();
        var unsigned = new PublicKeyStatement(suite, identity, epoch, OfflineLayout.KeyId(epoch, publicKey), publicKey.ToArray(), notAfterText, signer, []);
        var signature = signingKey.SignData(unsigned.SignedText(), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return new PublicKeyStatement(suite, identity, epoch, unsigned.KeyId, unsigned.PublicKey, notAfterText, signer, signature);
    }

    /// <summary>
    /// Reads a statement's JSON and checks that it is well formed: every field present and valid, the key id matching
    /// the key. It does not check the signature, identity or expiry: that is <see cref="TryVerify"/>.
    /// </summary>
    public static bool TryParse(string? json, [NotNullWhen(true)] out PublicKeyStatement? statement, [NotNullWhen(false)] out string? reason)
    {
        statement = null;
        if (string.IsNullOrWhiteSpace(json) || json.Length > MaxLength)
        {
            reason = "the key statement is empty or larger than 16 KiB";
            return false;
        }

        PublicKeyStatementDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(json, PublicKeyStatementJsonContext.Default.PublicKeyStatementDocument);
        }
        catch (JsonException)
        {
            reason = "the key statement is not JSON of the expected shape";
            return false;
        }

        reason = document is null ? "the key statement is not a JSON object" : Validate(document, out statement);
        return reason is null;
    }

    /// <summary>
    /// Checks the signature, then that the signer is the pinned one (when <paramref name="pinnedSigner"/> is given),
    /// that the statement is for <paramref name="expected"/>, and that <paramref name="now"/> is before its expiry.
    /// </summary>
    public bool TryVerify(ServiceAccountIdentity expected, byte[]? pinnedSigner, DateTimeOffset now, [NotNullWhen(false)] out string? reason)
    {
        using (var signer = ECDsa.Create())
        {
            signer.ImportSubjectPublicKeyInfo(Signer, out _);
            if (!signer.VerifyData(SignedText(), Signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
            {
                reason = "its signature does not verify: the statement was altered after it was signed";
                return false;
            }
        }

        if (pinnedSigner is not null && !CryptographicOperations.FixedTimeEquals(SHA256.HashData(Signer), pinnedSigner))
        {
            reason = $"it is signed by the key with fingerprint {SignerFingerprint}, not the pinned one ({Convert.ToHexString(pinnedSigner).ToLower(CultureInfo.InvariantCulture)})";
            return false;
        }

        if (Identity != expected)
        {
            reason = $"it is the key of {Identity}, not of {expected}";
            return false;
        }

        if (now >= NotAfter)
        {
            reason = $"it expired at {NotAfterText}; fetch a current one with 'kamus publickey fetch'";
            return false;
        }

        reason = null;
        return true;
    }

    /// <summary>The statement as indented JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(
        new PublicKeyStatementDocument
        {
            Kind = KindName,
            Version = CurrentVersion,
            Suite = OfflineLayout.FormatSuite(Suite),
            Namespace = Identity.Namespace,
            ServiceAccount = Identity.Name,
            Epoch = Epoch,
            KeyId = KeyId,
            PublicKey = Base64Url.EncodeToString(PublicKey),
            NotAfter = NotAfterText,
            Signer = Base64Url.EncodeToString(Signer),
            Signature = Base64Url.EncodeToString(Signature),
        },
        PublicKeyStatementJsonContext.Default.PublicKeyStatementDocument);

    /// <summary>Names the account, epoch and key id; all of it is public.</summary>
    public override string ToString() => $"PublicKeyStatement({Identity}, epoch {Epoch}, key {KeyId}, until {NotAfterText})";

    // Every field but the signature, one per line, after a version line: nothing in a field can contain '\n'.
    private byte[] SignedText() => Encoding.UTF8.GetBytes(string.Join(
        '\n',
        $"kamus-publickey-statement/v{CurrentVersion}",
        OfflineLayout.FormatSuite(Suite),
        Identity.Namespace,
        Identity.Name,
        Epoch.ToString(CultureInfo.InvariantCulture),
        KeyId,
        Base64Url.EncodeToString(PublicKey),
        NotAfterText,
        Base64Url.EncodeToString(Signer),
        string.Empty));

    private static string? Validate(PublicKeyStatementDocument document, out PublicKeyStatement? statement)
    {
        statement = null;
        if (document.Kind != KindName || document.Version != CurrentVersion)
        {
            return $"the file is not a version {CurrentVersion} {KindName}";
        }

        if (document.Suite is null || !OfflineLayout.TryParseSuite(document.Suite, out var suite) || !suite.IsSupported)
        {
            return "its HPKE suite is missing or not supported by this version of Kamus";
        }

        if (!KubernetesNames.IsValidNamespace(document.Namespace) || !KubernetesNames.IsValidServiceAccountName(document.ServiceAccount))
        {
            return "its namespace or service account is not a valid Kubernetes name";
        }

        if (document.Epoch < 1 || !TryDecode(document.PublicKey, out var publicKey) || publicKey.Length != DhKemP256.PublicKeyLength)
        {
            return "its epoch or public key is missing or malformed";
        }

        if (document.KeyId != OfflineLayout.KeyId(document.Epoch, publicKey))
        {
            return "its key id does not match its epoch and public key";
        }

        if (document.NotAfter is null || !DateTimeOffset.TryParseExact(document.NotAfter, NotAfterFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _))
        {
            return $"its notAfter is not a UTC time of the form {NotAfterFormat}";
        }

        if (!TryDecode(document.Signer, out var signer) || !IsP256Key(signer) || !TryDecode(document.Signature, out var signature) || signature.Length != 64)
        {
            return "its signer or signature is missing or not an ECDSA P-256 key and signature";
        }

        try
        {
            // The point must be on the curve: a statement that names an invalid key is malformed, not merely unverified.
            HpkePublicKey.Import(publicKey).Dispose();
        }
        catch (CryptographicException)
        {
            return "its public key is not a valid P-256 point";
        }

        var identity = new ServiceAccountIdentity(document.Namespace!, document.ServiceAccount!);
        statement = new PublicKeyStatement(suite, identity, document.Epoch, document.KeyId, publicKey, document.NotAfter, signer, signature);
        return null;
    }

    private static bool IsP256Key(byte[] subjectPublicKeyInfo)
    {
        try
        {
            using var key = ECDsa.Create();
            key.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out var read);
            return read == subjectPublicKeyInfo.Length && key.ExportParameters(false).Curve.Oid.Value == ECCurve.NamedCurves.nistP256.Oid.Value;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static bool TryDecode(string? text, out byte[] bytes)
    {
        bytes = [];
        return text is not null && CiphertextParser.TryFromCanonicalBase64Url(text, out bytes);
    }
}
