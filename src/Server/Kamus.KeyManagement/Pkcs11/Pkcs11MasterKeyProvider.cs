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
internal sealed class Pkcs11MasterKeyProvider : SynchronousMasterKeyProvider, IDisposable
{
    private const ulong IvBits = AesGcmSealer.NonceSize * 8;
    private const ulong TagBits = AesGcmSealer.TagSize * 8;

    // CKR_AEAD_DECRYPT_FAILED of PKCS#11 v3.0.
    private const ulong AeadDecryptFailed = 0x35;

    private readonly Pkcs11Token _token;
    private readonly Pkcs11SessionPool _pool;
    private readonly Dictionary<string, IObjectHandle> _keys;
    private long _wrapCalls;
    private long _unwrapCalls;

    private Pkcs11MasterKeyProvider(Pkcs11Token token, Pkcs11SessionPool pool, Dictionary<string, IObjectHandle> keys, string currentKeyId)
    {
        _token = token;
        _pool = pool;
        _keys = keys;
        CurrentKeyId = currentKeyId;
    }

    /// <inheritdoc />
    public override string CurrentKeyId { get; }

    /// <summary>The key ids (labels) found in the token.</summary>
    public IReadOnlyCollection<string> KeyIds => _keys.Keys;

    /// <summary>How many C_Encrypt operations this provider ran (for tests and metrics: the module is a shared, slow resource).</summary>
    public long WrapCalls => Interlocked.Read(ref _wrapCalls);

    /// <summary>How many C_Decrypt operations this provider ran.</summary>
    public long UnwrapCalls => Interlocked.Read(ref _unwrapCalls);

    /// <summary>The token's label.</summary>
    public string TokenLabel => _token.Label;

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

        var token = Pkcs11Token.Open(options);
        Pkcs11SessionPool? pool = null;
        try
        {
            pool = new Pkcs11SessionPool(token, options.MaxSessions);
            var keys = pool.Run(session => Pkcs11KeyFinder.FindKeys(session, token.Label, current, options.KeyLabels));
            var provider = new Pkcs11MasterKeyProvider(token, pool, keys, current);
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
    public override bool HasKey(string keyId) => _keys.ContainsKey(keyId);



    /// <inheritdoc />
    public override byte[] Wrap(string keyId, ServiceAccountIdentity identity, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        var key = KeyFor(keyId);
        var nonce = RandomNumberGenerator.GetBytes(AesGcmSealer.NonceSize);
        var input = plaintext.ToArray();
        var aad = associatedData.ToArray();
        try
        {
            var sealedBody = Run(session => Crypt(session, key, nonce, aad, input, encrypt: true));
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
    public override byte[] Unwrap(string keyId, ServiceAccountIdentity identity, ReadOnlySpan<byte> wrapped, ReadOnlySpan<byte> associatedData)
    {
        var key = KeyFor(keyId);
        if (wrapped.Length < AesGcmSealer.Overhead)
        {
            throw new CryptographicException("The sealed value is too short.");
        }

        var nonce = wrapped[..AesGcmSealer.NonceSize].ToArray();
        var body = wrapped[AesGcmSealer.NonceSize..].ToArray();
        var aad = associatedData.ToArray();
        return Run(session => Crypt(session, key, nonce, aad, body, encrypt: false));
    }

    /// <summary>Closes the sessions and releases the module.</summary>
    public void Dispose()
    {
        _pool.Dispose();
        _token.Dispose();
    }

    /// <summary>Names the token and key ids only.</summary>
    public override string ToString() => $"Pkcs11MasterKeyProvider(token {_token.Label}, current {CurrentKeyId}, {_keys.Count} keys)";

    private IObjectHandle KeyFor(string keyId) =>
        _keys.TryGetValue(keyId, out var key) ? key : throw new KeyNotFoundException("No master key has this id.");

    // A refused value stays a CryptographicException (403); any other module failure, including a new login the token
    // refuses, means the backend cannot serve now (503).
    private byte[] Run(Func<ISession, byte[]> operation)
    {
        try
        {
            return _pool.Run(operation);
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
