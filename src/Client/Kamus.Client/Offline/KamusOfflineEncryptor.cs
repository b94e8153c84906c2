using System.Security.Cryptography;
using System.Text;
using Kamus.Wire.Crypto;
using Kamus.Wire.Crypto.Hpke;
using Kamus.Wire.Identity;

namespace Kamus.Client.Offline;

/// <summary>
/// Encrypts values for one service account with its <see cref="KamusPublicKeyStatement"/> only: no server, no token, no
/// network. The values are HPKE (RFC 9180) ciphertexts that only the Kamus server can decrypt, for that account only,
/// through the usual decrypt API (so <c>AddKamus</c> reads them unchanged). Safe to share between threads.
/// </summary>
/// <example>
/// <code>
/// var statement = KamusPublicKeyStatement.Parse(File.ReadAllText("orders.key.json"));
/// using var encryptor = KamusOfflineEncryptor.Create(statement, "prod", "orders-api", signerFingerprint: pinnedFingerprint);
/// var ciphertext = encryptor.Encrypt(password);   // "k2h.…": store it as "kamus:" + ciphertext
/// </code>
/// </example>
public sealed class KamusOfflineEncryptor : IDisposable
{
    private readonly HpkePublicKey _recipient;
    private readonly KamusPublicKeyStatement _statement;
    private readonly ServiceAccountIdentity _identity;
    private readonly TimeProvider _time;

    private KamusOfflineEncryptor(KamusPublicKeyStatement statement, ServiceAccountIdentity identity, TimeProvider time)
    {
        _statement = statement;
        _identity = identity;
        _time = time;
        _recipient = HpkePublicKey.Import(statement.Statement.PublicKey);
    }

    /// <summary>The statement values are encrypted with.</summary>
    public KamusPublicKeyStatement Statement => _statement;

    /// <summary>
    /// Checks <paramref name="statement"/> and returns an encryptor for it: its signature must verify, its signer must be
    /// <paramref name="signerFingerprint"/> (when given), it must be the key of <paramref name="namespace"/>:<paramref name="serviceAccount"/>,
    /// and it must not have expired.
    /// </summary>
    /// <param name="statement">The service account's key statement.</param>
    /// <param name="namespace">The namespace the values are for; the statement must name it.</param>
    /// <param name="serviceAccount">The service account the values are for; the statement must name it.</param>
    /// <param name="signerFingerprint">
    /// The SHA-256 fingerprint of the statement-signing key you trust (64 hex digits, ':' allowed), as your Kamus operators
    /// publish it. <see langword="null"/> accepts any signer: the statement is then only as trustworthy as the place it came from.
    /// </param>
    /// <param name="timeProvider">The clock the expiry is checked against; <see cref="TimeProvider.System"/> by default.</param>
    /// <exception cref="KamusException">
    /// <see cref="KamusErrorKind.InvalidPublicKeyStatement"/>: the statement was altered, is signed by another key, is
    /// another account's, or expired (the message says which); <see cref="KamusErrorKind.Configuration"/>: the
    /// fingerprint is not 64 hex digits.
    /// </exception>
    /// <exception cref="ArgumentException">A name is not a valid Kubernetes name.</exception>
    public static KamusOfflineEncryptor Create(KamusPublicKeyStatement statement, string @namespace, string serviceAccount, string? signerFingerprint, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(statement);
        var identity = new ServiceAccountIdentity(@namespace, serviceAccount);
        byte[]? pin = null;
        if (signerFingerprint is not null && !Sha256Fingerprint.TryParse(signerFingerprint, out pin))
        {
            throw new KamusException(KamusErrorKind.Configuration, "The signer fingerprint must be 64 hex digits (':' allowed), as 'kamus publickey fetch' prints it.");
        }

        var time = timeProvider ?? TimeProvider.System;
        if (!statement.Statement.TryVerify(identity, pin, time.GetUtcNow(), out var reason))
        {
            throw Refused(statement, reason);
        }

        return new KamusOfflineEncryptor(statement, identity, time);
    }

    /// <summary>Encrypts <paramref name="plaintext"/> for the statement's service account.</summary>
    /// <param name="plaintext">The secret; not empty.</param>
    /// <param name="context">
    /// Binds the value to a context besides its service account, authenticated and visible in the ciphertext, as the v2
    /// formats do: <c>config:&lt;key&gt;</c> for a configuration key, or <c>kamussecret:&lt;namespace&gt;/&lt;name&gt;/&lt;key&gt;</c>
    /// for a KamusSecret key (then only the Kamus controller decrypts it). <see langword="null"/> (the default) binds none.
    /// </param>
    /// <returns>The ciphertext, without the <c>kamus:</c> marker.</returns>
    /// <exception cref="KamusException"><see cref="KamusErrorKind.InvalidPublicKeyStatement"/>: the statement expired since it was checked.</exception>
    /// <exception cref="ArgumentException"><paramref name="plaintext"/> is empty, or <paramref name="context"/> is not <c>&lt;kind&gt;:&lt;where&gt;</c> of at most 1024 UTF-8 bytes.</exception>
    public string Encrypt(string plaintext, string? context = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(plaintext);
        var now = _time.GetUtcNow();
        if (now >= _statement.NotAfter)
        {
            throw Refused(_statement, $"it expired at {_statement.NotAfter:u}; fetch a current one with 'kamus publickey fetch'");
        }

        var bytes = Encoding.UTF8.GetBytes(plaintext);
        try
        {
            return OfflineCipher.Seal(_statement.Statement.Suite, _statement.KeyId, _recipient, _identity, bytes, context);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    /// <summary>Releases the public key's platform handle.</summary>
    public void Dispose() => _recipient.Dispose();

    /// <summary>Names the service account and key id.</summary>
    public override string ToString() => $"KamusOfflineEncryptor({_identity}, key {_statement.KeyId})";

    private static KamusException Refused(KamusPublicKeyStatement statement, string reason) =>
        new(KamusErrorKind.InvalidPublicKeyStatement, $"The public key statement for {statement.Namespace}:{statement.ServiceAccount} (key {statement.KeyId}) is refused: {reason}.");
}
