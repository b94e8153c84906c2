using Kamus.Wire.Formats;

namespace Kamus.Client.Offline;

/// <summary>
/// A service account's signed offline public key, as <c>GET /api/v2/publickeys/{namespace}/{serviceAccount}</c> serves it
/// and <c>kamus publickey fetch</c> saves it. It is public and safe to commit: it lets its holder encrypt for the account,
/// and nothing else. Reading one checks only that it is well formed; <see cref="KamusOfflineEncryptor"/> checks its
/// signature, signer, identity and expiry before using it.
/// </summary>
public sealed class KamusPublicKeyStatement
{
    private KamusPublicKeyStatement(PublicKeyStatement statement) => Statement = statement;

    /// <summary>The service account's namespace.</summary>
    public string Namespace => Statement.Identity.Namespace;

    /// <summary>The service account.</summary>
    public string ServiceAccount => Statement.Identity.Name;

    /// <summary>The key epoch: the server rotates every account's key pair by moving to a new epoch.</summary>
    public int Epoch => Statement.Epoch;

    /// <summary>The public-key id that values encrypted with this statement carry.</summary>
    public string KeyId => Statement.KeyId;

    /// <summary>After this instant the statement is refused for encryption; values made before it still decrypt.</summary>
    public DateTimeOffset NotAfter => Statement.NotAfter;

    /// <summary>
    /// The SHA-256 fingerprint of the key that signed the statement, in lowercase hex. Compare it with the fingerprint
    /// your Kamus operators publish, and pin it (<see cref="KamusOfflineEncryptor.Create"/>'s <c>signerFingerprint</c>).
    /// </summary>
    public string SignerFingerprint => Statement.SignerFingerprint;

    internal PublicKeyStatement Statement { get; }

    /// <summary>Reads a statement's JSON.</summary>
    /// <param name="json">The statement, as served or saved.</param>
    /// <exception cref="KamusException">
    /// <see cref="KamusErrorKind.InvalidPublicKeyStatement"/>: the text is not a well-formed statement (the message says which part).
    /// </exception>
    public static KamusPublicKeyStatement Parse(string json) =>
        PublicKeyStatement.TryParse(json, out var statement, out var reason)
            ? new KamusPublicKeyStatement(statement)
            : throw new KamusException(KamusErrorKind.InvalidPublicKeyStatement, $"Not a Kamus public key statement: {reason}.");

    /// <summary>The statement's JSON, as it was signed (indented; safe to commit).</summary>
    public string ToJson() => Statement.ToJson();

    /// <summary>Names the service account, epoch, key id and expiry; all of it is public.</summary>
    public override string ToString() => $"KamusPublicKeyStatement({Namespace}:{ServiceAccount}, epoch {Epoch}, key {KeyId}, until {NotAfter:u})";
}
