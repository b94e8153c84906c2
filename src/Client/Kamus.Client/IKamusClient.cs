using Kamus.Client.Offline;

namespace Kamus.Client;

/// <summary>The Kamus API: encrypt for a service account, decrypt as the calling pod's service account.</summary>
public interface IKamusClient
{
    /// <summary>Encrypts <paramref name="data"/> so that only <paramref name="namespace"/>:<paramref name="serviceAccount"/> can decrypt it.</summary>
    /// <exception cref="KamusException">The request failed; see <see cref="KamusException.Kind"/>.</exception>
    Task<string> EncryptAsync(string data, string serviceAccount, string @namespace, CancellationToken cancellationToken = default);

    /// <summary>
    /// Encrypts many values for one service account in one call (<c>/api/v2/encrypt</c>). The values share one envelope
    /// data key, so a reader decrypts all of them with one unwrap.
    /// </summary>
    /// <returns>Name → ciphertext, for every name of <paramref name="items"/>.</returns>
    /// <exception cref="KamusException">The request failed; see <see cref="KamusException.Kind"/>.</exception>
    Task<IReadOnlyDictionary<string, string>> EncryptManyAsync(string serviceAccount, string @namespace, IReadOnlyDictionary<string, string> items, CancellationToken cancellationToken = default);

    /// <summary>
    /// Fetches <paramref name="namespace"/>:<paramref name="serviceAccount"/>'s signed offline key statement
    /// (<c>GET /api/v2/publickeys/{namespace}/{serviceAccount}</c>), to encrypt for it later without the server
    /// (<see cref="KamusOfflineEncryptor"/>, which checks the statement). No token is sent.
    /// </summary>
    /// <exception cref="KamusException">
    /// The request failed; <see cref="KamusErrorKind.Configuration"/> when the server offers no public keys.
    /// </exception>
    /// <exception cref="NotSupportedException">This implementation does not fetch statements (the default for implementations written before it existed).</exception>
    Task<KamusPublicKeyStatement> GetPublicKeyStatementAsync(string serviceAccount, string @namespace, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException($"{GetType().Name} does not fetch public key statements; use KamusClient.");

    /// <summary>Decrypts one value with this pod's service-account token.</summary>
    /// <exception cref="KamusException">Decryption failed; see <see cref="KamusException.Kind"/>.</exception>
    Task<string> DecryptAsync(string ciphertext, CancellationToken cancellationToken = default);

    /// <summary>
    /// Decrypts many values at once: duplicates are decrypted once, envelopes sharing a data key cost one unwrap, and
    /// the rest go in one batch call (or bounded parallel calls against an upstream server).
    /// </summary>
    /// <returns>One outcome per input, in input order. A failed item does not fail the others.</returns>
    /// <exception cref="KamusException">Only when nothing could be attempted (for example the token cannot be read, or the deadline passed).</exception>
    Task<IReadOnlyList<DecryptOutcome>> DecryptManyAsync(IReadOnlyList<string> ciphertexts, CancellationToken cancellationToken = default);

    /// <summary>
    /// Re-encrypts values of one service account under the server's current key and provider (<c>/api/v2/rewrap</c>),
    /// without the plaintext leaving the server: how values move to a new key id or a new provider. The token this
    /// client sends must be that service account's own (for example from <c>kubectl create token</c>).
    /// </summary>
    /// <returns>One outcome per input, in input order. A refused item (another account's, malformed) does not fail the others.</returns>
    /// <exception cref="KamusException">The call failed as a whole (token refused, server unavailable, a server without rewrap).</exception>
    /// <exception cref="NotSupportedException">This implementation cannot rewrap (the default for implementations written before it existed).</exception>
    Task<IReadOnlyList<RewrapOutcome>> RewrapManyAsync(string serviceAccount, string @namespace, IReadOnlyList<string> ciphertexts, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException($"{GetType().Name} does not rewrap values.");
}
