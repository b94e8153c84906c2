using Kamus.KeyManagement.Aes;
using System.Security.Cryptography;
using Kamus.Wire.Crypto;
using Kamus.Wire.Identity;
using Kamus.Wire.Formats;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using ISession = Net.Pkcs11Interop.HighLevelAPI.ISession;

namespace Kamus.KeyManagement.Pkcs11;

/// <summary>
/// Master keys in a PKCS#11 token (an HSM). Wrapping runs inside the module: CKM_AES_GCM through C_Encrypt and
/// C_Decrypt with a random 12-byte IV, a 128-bit tag and the format's associated data (which names the key id and the
/// identity), laid out as <c>nonce(12) || ciphertext || tag(16)</c> like <see cref="AesKeyRing"/>. Key labels are the
/// v2 key ids. The keys never leave the token; the server holds only object handles.
/// </summary>
/// <remarks>
/// When the module drops the sessions (token reset, sessions closed, logged out) or says a cached key handle is no
/// longer valid, the provider opens fresh sessions, logs in again, finds the keys again and retries, twice at most;
/// only then does the operation fail as unavailable (503).
/// </remarks>
internal sealed class Pkcs11MasterKeyProvider : IMasterKeyProvider, IDisposable
{
    private const ulong IvBits = AesGcmSealer.NonceSize * 8;
    private const ulong TagBits = AesGcmSealer.TagSize * 8;

    // CKR_AEAD_DECRYPT_FAILED of PKCS#11 v3.0.
    private const ulong AeadDecryptFailed = 0x35;

    // Session-level failures after which fresh sessions (and a new login) are worth one more try.
    private static readonly CKR[] DroppedSession =
    [
        CKR.CKR_SESSION_HANDLE_INVALID, CKR.CKR_SESSION_CLOSED, CKR.CKR_USER_NOT_LOGGED_IN, CKR.CKR_TOKEN_NOT_PRESENT, CKR.CKR_DEVICE_REMOVED,
    ];

    private readonly Pkcs11Token _token;
    private readonly Pkcs11SessionPool _pool;
    private readonly ICollection<string> _labels;
    private readonly SemaphoreSlim _recovery = new(1, 1);
    private volatile Dictionary<string, IObjectHandle> _keys;
    private int _generation;
    private long _wrapCalls;
    private long _unwrapCalls;

    private Pkcs11MasterKeyProvider(Pkcs11Token token, Pkcs11SessionPool pool, Pkcs11Keys keys, string currentKeyId, ICollection<string> labels)
    {
        _token = token;
        _pool = pool;
        _keys = keys.Handles;
        _labels = labels;
        Warnings = keys.Warnings;
        CurrentKeyId = currentKeyId;
    }

    /// <inheritdoc />
    public string CurrentKeyId { get; }

    /// <summary>The key ids (labels) found in the token.</summary>
    public IReadOnlyCollection<string> KeyIds => _keys.Keys;

    /// <summary>How many C_Encrypt operations this provider ran (for tests and metrics: the module is a shared, slow resource).</summary>
    public long WrapCalls => Interlocked.Read(ref _wrapCalls);

    /// <summary>How many C_Decrypt operations this provider ran.</summary>
    public long UnwrapCalls => Interlocked.Read(ref _unwrapCalls);

    /// <summary>The token's label.</summary>
    public string TokenLabel => _token.Label;

    /// <summary>What was found worth a warning about the keys at start (logged by the server).</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>How many times the keys were found again after the module invalidated their handles or sessions.</summary>
    public int Recoveries => Volatile.Read(ref _generation);

    /// <summary>
    /// Opens the token, finds the keys and checks that the current key wraps and unwraps with CKM_AES_GCM.
    /// </summary>
    /// <exception cref="KamusSettingsException">Which of module, slot or token, PIN or key is wrong.</exception>
    public static Pkcs11MasterKeyProvider Open(Pkcs11Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var current = options.CurrentKeyLabel;
        if (string.IsNullOrWhiteSpace(current) || !V2Layout.IsValidKeyId(current))
        {
            throw new KamusSettingsException("KeyManagement:Pkcs11:CurrentKeyLabel is required: the label of the key that wraps, which is its key id (1 to 32 of [A-Za-z0-9_-]).");
        }

        foreach (var label in options.KeyLabels)
        {
            if (!V2Layout.IsValidKeyId(label))
            {
                throw new KamusSettingsException($"KeyManagement:Pkcs11:KeyLabels: '{label}' is not a key id (1 to 32 of [A-Za-z0-9_-]).");
            }
        }

        if (options.MaxSessions is < 1 or > 256)
        {
            throw new KamusSettingsException("KeyManagement:Pkcs11:MaxSessions must be between 1 and 256.");
        }

        if (options.SessionWaitTimeout <= TimeSpan.Zero)
        {
            throw new KamusSettingsException("KeyManagement:Pkcs11:SessionWaitTimeout must be positive.");
        }

        var token = Pkcs11Token.Open(options);
        Pkcs11SessionPool? pool = null;
        try
        {
            pool = new Pkcs11SessionPool(token, options.MaxSessions, options.SessionWaitTimeout);
            var labels = options.KeyLabels.ToList();
            var keys = pool.Run(session => Pkcs11KeyFinder.FindKeys(session, token.Label, current, labels));
            var provider = new Pkcs11MasterKeyProvider(token, pool, keys, current, labels);
            provider.SelfTest();
            return provider;
        }
        catch
        {
            pool?.Dispose();
            token.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public bool HasKey(string keyId) => _keys.ContainsKey(keyId);

    /// <inheritdoc />
    public async ValueTask<byte[]> WrapAsync(string keyId, ServiceAccountIdentity identity, ReadOnlyMemory<byte> plaintext, ReadOnlyMemory<byte> associatedData, CancellationToken cancellationToken = default)
    {
        var nonce = RandomNumberGenerator.GetBytes(AesGcmSealer.NonceSize);
        var input = plaintext.ToArray();
        var aad = associatedData.ToArray();
        try
        {
            var sealedBody = await RunAsync(keyId, (session, key) => Crypt(session, key, nonce, aad, input, encrypt: true), cancellationToken).ConfigureAwait(false);
            if (sealedBody.Length != input.Length + AesGcmSealer.TagSize)
            {
                throw new CryptographicException("The PKCS#11 module returned an AES-GCM result of an unexpected length.");
            }

            var output = new byte[AesGcmSealer.NonceSize + sealedBody.Length];
            nonce.CopyTo(output, 0);
            sealedBody.CopyTo(output, AesGcmSealer.NonceSize);
            return output;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(input);
        }
    }

    /// <inheritdoc />
    public ValueTask<byte[]> UnwrapAsync(string keyId, ServiceAccountIdentity identity, ReadOnlyMemory<byte> wrapped, ReadOnlyMemory<byte> associatedData, CancellationToken cancellationToken = default)
    {
        KeyFor(keyId);
        if (wrapped.Length < AesGcmSealer.Overhead)
        {
            throw new CryptographicException("The sealed value is too short.");
        }

        var nonce = wrapped[..AesGcmSealer.NonceSize].ToArray();
        var body = wrapped[AesGcmSealer.NonceSize..].ToArray();
        var aad = associatedData.ToArray();
        return RunAsync(keyId, (session, key) => Crypt(session, key, nonce, aad, body, encrypt: false), cancellationToken);
    }

    /// <summary>Wraps, blocking (startup and tests; requests use <see cref="WrapAsync"/>).</summary>
    public byte[] Wrap(string keyId, ServiceAccountIdentity identity, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData) =>
        WrapAsync(keyId, identity, plaintext.ToArray(), associatedData.ToArray()).AsTask().GetAwaiter().GetResult();

    /// <summary>Unwraps, blocking (startup and tests; requests use <see cref="UnwrapAsync"/>).</summary>
    public byte[] Unwrap(string keyId, ServiceAccountIdentity identity, ReadOnlySpan<byte> wrapped, ReadOnlySpan<byte> associatedData) =>
        UnwrapAsync(keyId, identity, wrapped.ToArray(), associatedData.ToArray()).AsTask().GetAwaiter().GetResult();

    /// <summary>
    /// Whether the token works now: a wrap and unwrap of a random probe under the current key (which also recovers
    /// dropped sessions and stale handles). For <c>/healthz</c>.
    /// </summary>
    public async ValueTask<bool> CheckHealthAsync(CancellationToken cancellationToken = default)
    {
        var probe = new ServiceAccountIdentity("kamus-health", "probe");
        var aad = V2Layout.DataKeyAssociatedData(CurrentKeyId, probe);
        var data = RandomNumberGenerator.GetBytes(KeyDerivation.KeySize);
        try
        {
            var wrapped = await WrapAsync(CurrentKeyId, probe, data, aad, cancellationToken).ConfigureAwait(false);
            var back = await UnwrapAsync(CurrentKeyId, probe, wrapped, aad, cancellationToken).ConfigureAwait(false);
            return CryptographicOperations.FixedTimeEquals(back, data);
        }
        catch (Exception e) when (e is MasterKeyUnavailableException or CryptographicException or KamusSettingsException)
        {
            return false;
        }
    }

    /// <summary>Closes the sessions and releases the module.</summary>
    public void Dispose()
    {
        _pool.Dispose();
        _token.Dispose();
        _recovery.Dispose();
    }

    /// <summary>Names the token and key ids only.</summary>
    public override string ToString() => $"Pkcs11MasterKeyProvider(token {_token.Label}, current {CurrentKeyId}, {_keys.Count} keys)";

    private IObjectHandle KeyFor(string keyId) =>
        _keys.TryGetValue(keyId, out var key) ? key : throw new KeyNotFoundException("No master key has this id.");

    // A refused value stays a CryptographicException (403); any other module failure, including a new login the token
    // refuses, means the backend cannot serve now (503) once recovery has been tried.
    private async ValueTask<byte[]> RunAsync(string keyId, Func<ISession, IObjectHandle, byte[]> operation, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var generation = Volatile.Read(ref _generation);
            try
            {
                var key = KeyFor(keyId);
                return await _pool.RunAsync(session => operation(session, key), cancellationToken).ConfigureAwait(false);
            }
            catch (Pkcs11Exception e) when (attempt < 2 && (IsStaleHandle(e.RV) || DroppedSession.Contains(e.RV)))
            {
                await RecoverAsync(generation, cancellationToken).ConfigureAwait(false);
            }
            catch (Pkcs11Exception e)
            {
                throw new MasterKeyUnavailableException($"{e.Method}: {e.RV}", e);
            }
            catch (KamusSettingsException e)
            {
                // The PIN source or the login failed when a new session had to log in again; these messages never hold the PIN.
                throw new MasterKeyUnavailableException("a new login failed: " + e.Message.TrimEnd('.'), e);
            }
        }
    }

    // Once for all the requests that failed on the same stale state: fresh sessions and login, then the keys again.
    private async ValueTask RecoverAsync(int failedGeneration, CancellationToken cancellationToken)
    {
        await _recovery.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Volatile.Read(ref _generation) != failedGeneration)
            {
                return;
            }

            _pool.Reset();
            var keys = await _pool.RunAsync(session => Pkcs11KeyFinder.FindKeys(session, _token.Label, CurrentKeyId, _labels), cancellationToken).ConfigureAwait(false);
            _keys = keys.Handles;
            Interlocked.Increment(ref _generation);
        }
        catch (Pkcs11Exception e)
        {
            throw new MasterKeyUnavailableException($"finding the keys again failed: {e.Method}: {e.RV}", e);
        }
        catch (KamusSettingsException e)
        {
            throw new MasterKeyUnavailableException("finding the keys again failed: " + e.Message.TrimEnd('.'), e);
        }
        finally
        {
            _recovery.Release();
        }
    }

    private static bool IsStaleHandle(CKR rv) => rv is CKR.CKR_OBJECT_HANDLE_INVALID or CKR.CKR_KEY_HANDLE_INVALID;

    private byte[] Crypt(ISession session, IObjectHandle key, byte[] nonce, byte[] aad, byte[] input, bool encrypt)
    {
        using var parameters = _token.Factories.MechanismParamsFactory.CreateCkGcmParams(nonce, IvBits, aad, TagBits);
        using var mechanism = _token.Factories.MechanismFactory.Create(CKM.CKM_AES_GCM, parameters);
        Interlocked.Increment(ref encrypt ? ref _wrapCalls : ref _unwrapCalls);
        try
        {
            return encrypt ? session.Encrypt(mechanism, key, input) : session.Decrypt(mechanism, key, input);
        }
        catch (Pkcs11Exception e) when (!encrypt && IsRejectedData(e.RV))
        {
            // The tag did not verify: another identity or key id, or an altered value. The session stays usable.
            throw new Pkcs11RejectedDataException(sessionUsable: true);
        }
        catch (Pkcs11Exception e) when (!encrypt && e.RV == CKR.CKR_GENERAL_ERROR)
        {
            // SoftHSM2 (2.6) reports a GCM tag mismatch as CKR_GENERAL_ERROR, which could also be a real failure: refuse
            // the value, and close the session rather than trust it again.
            throw new Pkcs11RejectedDataException(sessionUsable: false);
        }
    }

    // Modules differ in how they report a GCM tag mismatch (v2.40 has no dedicated code; v3.0 adds CKR_AEAD_DECRYPT_FAILED).
    private static bool IsRejectedData(CKR rv) =>
        rv is CKR.CKR_ENCRYPTED_DATA_INVALID or CKR.CKR_ENCRYPTED_DATA_LEN_RANGE or CKR.CKR_DATA_INVALID or CKR.CKR_DATA_LEN_RANGE
            || (ulong)rv == AeadDecryptFailed;

    private void SelfTest()
    {
        var probe = new ServiceAccountIdentity("kamus-self-test", "probe");
        var aad = V2Layout.DataKeyAssociatedData(CurrentKeyId, probe);
        var data = RandomNumberGenerator.GetBytes(KeyDerivation.KeySize);
        try
        {
            var back = Unwrap(CurrentKeyId, probe, Wrap(CurrentKeyId, probe, data, aad), aad);
            if (!CryptographicOperations.FixedTimeEquals(back, data))
            {
                throw new CryptographicException("The round trip changed the data.");
            }
        }
        catch (Exception e) when (e is MasterKeyUnavailableException or CryptographicException)
        {
            var reason = e.InnerException is Pkcs11Exception p ? p.RV.ToString() : "the round trip failed";
            throw new KamusSettingsException(
                $"KeyManagement:Pkcs11:CurrentKeyLabel '{CurrentKeyId}' in token '{_token.Label}' cannot wrap with CKM_AES_GCM (12-byte IV, 128-bit tag, associated data): {reason}. The module must support it for C_Encrypt and C_Decrypt.", e);
        }
    }
}
