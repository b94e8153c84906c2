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
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0027", Justification = "The shipped overload keeps its optional token; the contexts overload beside it takes a required one, so no call is ambiguous.")]
    Task<IReadOnlyDictionary<string, string>> EncryptManyAsync(string serviceAccount, string @namespace, IReadOnlyDictionary<string, string> items, CancellationToken cancellationToken = default);

    /// <summary>
    /// Encrypts many values for one service account in one call, binding the items named in <paramref name="contexts"/>
    /// to their context (see <see cref="KamusContext"/>): the context is carried in the value and authenticated, so a reader
    /// that names where it reads the value (<see cref="DecryptManyAsync(IReadOnlyList{string}, IReadOnlyList{string}, CancellationToken)"/>) refuses it anywhere else.
    /// </summary>
    /// <param name="serviceAccount">The service account that may decrypt.</param>
    /// <param name="namespace">Its namespace.</param>
    /// <param name="items">Name → plaintext.</param>
    /// <param name="contexts">Name → context, for the items to bind; <see langword="null"/> binds none.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Name → ciphertext, for every name of <paramref name="items"/>.</returns>
    /// <exception cref="KamusException">The request failed, or the server answered an unbound value for an item given a context (<see cref="KamusErrorKind.Protocol"/>).</exception>
    /// <exception cref="NotSupportedException">This implementation cannot bind contexts (the default implementation, when <paramref name="contexts"/> is not empty).</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026", Justification = "No call is ambiguous: the contexts overload needs its contexts argument, and a token alone goes to the shipped overload.")]
    Task<IReadOnlyDictionary<string, string>> EncryptManyAsync(string serviceAccount, string @namespace, IReadOnlyDictionary<string, string> items, IReadOnlyDictionary<string, string>? contexts, CancellationToken cancellationToken = default) =>
        contexts is null || contexts.Count == 0
            ? EncryptManyAsync(serviceAccount, @namespace, items, cancellationToken)
            : throw new NotSupportedException($"{GetType().Name} cannot bind values to contexts.");

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
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0027", Justification = "The shipped overload keeps its optional token; the contexts overload beside it takes a required one, so no call is ambiguous.")]
    Task<IReadOnlyList<DecryptOutcome>> DecryptManyAsync(IReadOnlyList<string> ciphertexts, CancellationToken cancellationToken = default);

    /// <summary>
    /// Decrypts many values at once, each where it is used: <paramref name="contexts"/>[i] is the context
    /// <paramref name="ciphertexts"/>[i] is read in (for configuration, <see cref="KamusContext.ForConfigurationKey"/>
    /// of its key). A value bound to another context fails (<see cref="KamusErrorKind.InvalidCiphertext"/>) without being
    /// sent; values not bound, and values read with no context, are decrypted as usual.
    /// </summary>
    /// <param name="ciphertexts">The values.</param>
    /// <param name="contexts">One context (or <see langword="null"/>) per value, in the same order; <see langword="null"/> names none.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>One outcome per input, in input order. A failed item does not fail the others.</returns>
    /// <exception cref="ArgumentException"><paramref name="contexts"/> has another count than <paramref name="ciphertexts"/>.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026", Justification = "No call is ambiguous: the contexts overload needs its contexts argument, and a token alone goes to the shipped overload.")]
    Task<IReadOnlyList<DecryptOutcome>> DecryptManyAsync(IReadOnlyList<string> ciphertexts, IReadOnlyList<string?>? contexts, CancellationToken cancellationToken = default) =>
        Decryption.BoundContexts.DecryptAsync(ciphertexts, contexts, rest => DecryptManyAsync(rest, cancellationToken));

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
