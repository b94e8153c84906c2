using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Kamus.Wire.Crypto;
using Kamus.Wire.Identity;
using Kamus.Wire.Formats;
using Kamus.KeyManagement.Aes;
using Kamus.KeyManagement.Cloud;
using Kamus.KeyManagement.Offline;

namespace Kamus.KeyManagement.Ciphertexts;

/// <summary>
/// Encrypts for and decrypts as a service account, in every Kamus format. The layouts and derivations live in
/// <c>Kamus.Wire.Formats</c> and <c>Kamus.Wire.Crypto</c>; the master keys behind <see cref="IMasterKeyProvider"/>.
/// </summary>
internal sealed class CiphertextService
{
    private const string NoCloudProvider = "upstream cloud KMS values need the provider that made them (KeyManagement:Provider=AwsKms, GoogleKms or AzureKeyVault)";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly IMasterKeyProvider _keys;
    private readonly UpstreamAesKey _upstream;
    private readonly CiphertextWriteFormat _format;
    private readonly CloudMasterKeyProvider? _cloud;
    private readonly OfflineKeyRing? _offline;

    /// <summary>Creates the service.</summary>
    /// <param name="keys">The master keys of the v2 formats.</param>
    /// <param name="upstream">Upstream's AES key.</param>
    /// <param name="format">The format new values are written in.</param>
    /// <param name="cloud">The cloud KMS provider, which also reads upstream's values made with it.</param>
    /// <param name="offline">The offline (HPKE) key ring, when offline encryption is configured.</param>
    public CiphertextService(IMasterKeyProvider keys, UpstreamAesKey upstream, CiphertextWriteFormat format, CloudMasterKeyProvider? cloud = null, OfflineKeyRing? offline = null)
    {
        _keys = keys;
        _upstream = upstream;
        _format = format;
        _cloud = cloud;
        _offline = offline;
    }

    /// <summary>Encrypts one value (<c>/api/v1/encrypt</c>): a <c>k2.</c> value, or upstream <c>iv:ct</c>.</summary>
    public async ValueTask<string> EncryptAsync(ServiceAccountIdentity identity, string plaintext, CancellationToken cancellationToken = default)
    {
        var bytes = Encoding.UTF8.GetBytes(plaintext);
        try
        {
            if (_format == CiphertextWriteFormat.Upstream)
            {
                return _upstream.Encrypt(identity, bytes);
            }

            var keyId = _keys.CurrentKeyId;
            var sealedValue = await _keys.WrapAsync(keyId, identity, bytes, V2Layout.ValueAssociatedData(keyId, identity), cancellationToken).ConfigureAwait(false);
            return V2Layout.FormatValue(keyId, sealedValue);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    /// <summary>Encrypts many values under one fresh data key, wrapped once (<c>/api/v2/encrypt</c>), unbound.</summary>
    public ValueTask<Dictionary<string, string>> EncryptManyAsync(ServiceAccountIdentity identity, IReadOnlyDictionary<string, string> items, CancellationToken cancellationToken = default) =>
        EncryptManyAsync(identity, items, contexts: null, cancellationToken);

    /// <summary>
    /// Encrypts many values under one fresh data key, wrapped once (<c>/api/v2/encrypt</c>). Items named in
    /// <paramref name="contexts"/> are bound to their <see cref="CiphertextContext"/> (v2 format only): a
    /// <c>config:</c> context in the item's payload, under the shared data key; any other context (a KamusSecret key's)
    /// in its data key's seal, so each such context gets a data key of its own that opens only for it.
    /// </summary>
    /// <exception cref="ArgumentException">A context is invalid, or contexts were given under the upstream format.</exception>
    public async ValueTask<Dictionary<string, string>> EncryptManyAsync(ServiceAccountIdentity identity, IReadOnlyDictionary<string, string> items, IReadOnlyDictionary<string, string>? contexts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        var result = new Dictionary<string, string>(items.Count, StringComparer.Ordinal);
        if (_format == CiphertextWriteFormat.Upstream)
        {
            if (contexts is { Count: > 0 })
            {
                throw new ArgumentException("Upstream formats cannot be bound to a context.", nameof(contexts));
            }

            // Upstream envelope: the wrapped key is an upstream value whose plaintext is base64 of the data key.
            using var dataKey = DataKey.Generate();
            var wrappedKey = _upstream.Encrypt(identity, Encoding.ASCII.GetBytes(Convert.ToBase64String(dataKey.Bytes)));
            foreach (var (name, plaintext) in items)
            {
                var bytes = Encoding.UTF8.GetBytes(plaintext);
                var (iv, ciphertext) = AesCbc.Encrypt(dataKey.Bytes, bytes);
                CryptographicOperations.ZeroMemory(bytes);
                result[name] = UpstreamLayout.FormatEnvelope(wrappedKey, iv, ciphertext);
            }

            return result;
        }

        // One data key for every unbound item and every item bound in its payload (config: contexts), wrapped once; one
        // per context bound in the data key's seal (KamusSecret keys), which the pod-facing endpoints refuse to unwrap.
        foreach (var group in items.GroupBy(item => DataKeyContext(item.Key, contexts)))
        {
            var keyId = _keys.CurrentKeyId;
            using var dataKey = DataKey.Generate();
            var sealedKey = await WrapDataKeyAsync(keyId, identity, dataKey, group.Key, cancellationToken).ConfigureAwait(false);
            foreach (var (name, plaintext) in group)
            {
                var context = contexts?.GetValueOrDefault(name);
                var inPayload = CiphertextContext.IsBoundInPayload(context);
                var bytes = Encoding.UTF8.GetBytes(plaintext);
                var payload = dataKey.SealPayload(bytes, inPayload ? context : null);
                CryptographicOperations.ZeroMemory(bytes);
                result[name] = V2Layout.FormatEnvelope(keyId, sealedKey, payload, context, inPayload);
            }
        }

        return result;
    }

    // The context the data key of item name is sealed with: none when the item is unbound or bound in its payload.
    private static string? DataKeyContext(string name, IReadOnlyDictionary<string, string>? contexts)
    {
        if (contexts?.GetValueOrDefault(name) is not { } context)
        {
            return null;
        }

        if (!CiphertextContext.IsValid(context))
        {
            throw new ArgumentException($"The context of '{name}' is not a valid context.", nameof(contexts));
        }

        return CiphertextContext.IsBoundInPayload(context) ? null : context;
    }

    /// <summary>
    /// Decrypts any Kamus value as <paramref name="identity"/>, for a pod (the decrypt endpoints). A bare wrapped key
    /// (<c>k2k.</c>, or an upstream envelope's wrapped part) answers base64 of its data key. <paramref name="scope"/>
    /// unwraps each distinct data key once. A value bound to a KamusSecret is refused: only the controller decrypts it.
    /// </summary>
    public ValueTask<DecryptResult> DecryptAsync(ServiceAccountIdentity identity, string? ciphertext, DataKeyScope scope, CancellationToken cancellationToken = default) =>
        DecryptAsync(identity, ciphertext, scope, kamusSecretContext: null, cancellationToken);

    /// <summary>
    /// Decrypts a value of a KamusSecret key, for the controller: values bound to exactly <paramref name="context"/>
    /// (<see cref="CiphertextContext.ForKamusSecret"/>) and unbound values (upstream's, and older ones) open; a value
    /// bound to any other context is refused.
    /// </summary>
    public ValueTask<DecryptResult> DecryptBoundAsync(ServiceAccountIdentity identity, string? ciphertext, string context, DataKeyScope scope, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(context);
        return DecryptAsync(identity, ciphertext, scope, context, cancellationToken);
    }

    private async ValueTask<DecryptResult> DecryptAsync(ServiceAccountIdentity identity, string? ciphertext, DataKeyScope scope, string? kamusSecretContext, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        if (!CiphertextParser.TryParse(ciphertext, out var parsed, out var reason))
        {
            return DecryptResult.Invalid(reason);
        }

        if (parsed.Context is { } bound && (kamusSecretContext is null ? CiphertextContext.IsKamusSecret(bound) : bound != kamusSecretContext))
        {
            return DecryptResult.Refused(kamusSecretContext is null
                ? "bound to a KamusSecret: only the Kamus controller decrypts it"
                : $"bound to {bound}, not to {kamusSecretContext}");
        }

        switch (parsed.Format)
        {
            case CiphertextFormat.UpstreamAes:
                return DecryptUpstream(identity, parsed.Iv, parsed.Body);
            case CiphertextFormat.UpstreamKms:
                return await DecryptUpstreamKmsAsync(identity, parsed.Body, cancellationToken).ConfigureAwait(false);
            case CiphertextFormat.V2Value:
                return await DecryptV2ValueAsync(identity, parsed, cancellationToken).ConfigureAwait(false);
            case CiphertextFormat.V2WrappedKey:
                var (bytes, failure) = await UnwrapV2KeyAsync(identity, parsed, cancellationToken).ConfigureAwait(false);
                return bytes is null ? failure : DecryptResult.Success(ToBase64AndZero(bytes));
            case CiphertextFormat.OfflineValue:
                return OfflineDecryption.Decrypt(_offline, identity, parsed, forKamusSecret: kamusSecretContext is not null);
            default:
                return await DecryptEnvelopeAsync(identity, parsed, scope, cancellationToken).ConfigureAwait(false);
        }
    }

    private DecryptResult DecryptUpstream(ServiceAccountIdentity identity, byte[] iv, byte[] body)
    {
        if (!_upstream.IsConfigured)
        {
            return DecryptResult.Invalid("upstream values need KeyManagement:AES:Key");
        }

        byte[] plaintext;
        try
        {
            plaintext = _upstream.Decrypt(identity, iv, body);
        }
        catch (CryptographicException)
        {
            return DecryptResult.Forbidden;
        }

        return Utf8OrForbidden(plaintext);
    }

    private async ValueTask<DecryptResult> DecryptUpstreamKmsAsync(ServiceAccountIdentity identity, byte[] ciphertext, CancellationToken cancellationToken)
    {
        if (_cloud is null)
        {
            return DecryptResult.Invalid(NoCloudProvider);
        }

        byte[] plaintext;
        try
        {
            plaintext = await _cloud.DecryptUpstreamValueAsync(identity, ciphertext, cancellationToken).ConfigureAwait(false);
        }
        catch (CryptographicException)
        {
            return DecryptResult.Forbidden;
        }

        // The wrapped part of an upstream AWS envelope (which the client fast path sends alone) holds a raw data key:
        // it answers base64 of the key, as every bare wrapped key does. Values are UTF-8 text.
        return plaintext.Length == KeyDerivation.KeySize && !IsUtf8(plaintext) ? DecryptResult.Success(ToBase64AndZero(plaintext)) : Utf8OrForbidden(plaintext);
    }

    private async ValueTask<DecryptResult> DecryptV2ValueAsync(ServiceAccountIdentity identity, ParsedCiphertext parsed, CancellationToken cancellationToken)
    {
        var keyId = parsed.KeyId!;
        if (!_keys.HasKey(keyId))
        {
            return DecryptResult.Invalid("unknown key id");
        }

        byte[] plaintext;
        try
        {
            plaintext = await _keys.UnwrapAsync(keyId, identity, parsed.Body, parsed.SealAssociatedData(identity), cancellationToken).ConfigureAwait(false);
        }
        catch (CryptographicException)
        {
            return DecryptResult.Forbidden;
        }

        return Utf8OrForbidden(plaintext);
    }

    // A data key opened for this identity, or the refusal; the caller zeroes the key.
    private async ValueTask<(byte[]? DataKey, DecryptResult Failure)> UnwrapV2KeyAsync(ServiceAccountIdentity identity, ParsedCiphertext parsed, CancellationToken cancellationToken)
    {
        var keyId = parsed.KeyId!;
        if (!_keys.HasKey(keyId))
        {
            return (null, DecryptResult.Invalid("unknown key id"));
        }

        byte[] dataKey;
        try
        {
            dataKey = await _keys.UnwrapAsync(keyId, identity, parsed.SealedKey, parsed.SealAssociatedData(identity), cancellationToken).ConfigureAwait(false);
        }
        catch (CryptographicException)
        {
            return (null, DecryptResult.Forbidden);
        }

        if (dataKey.Length != KeyDerivation.KeySize)
        {
            CryptographicOperations.ZeroMemory(dataKey);
            return (null, DecryptResult.Forbidden);
        }

        return (dataKey, default);
    }

    // The data key is copied into a pinned array for the (possibly asynchronous) provider call, then zeroed.
    private async ValueTask<byte[]> WrapDataKeyAsync(string keyId, ServiceAccountIdentity identity, DataKey dataKey, string? context, CancellationToken cancellationToken)
    {
        var bytes = GC.AllocateArray<byte>(KeyDerivation.KeySize, pinned: true);
        try
        {
            dataKey.Bytes.CopyTo(bytes);
            return await _keys.WrapAsync(keyId, identity, bytes, V2Layout.DataKeyAssociatedData(keyId, identity, context), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    private async ValueTask<DecryptResult> DecryptEnvelopeAsync(ServiceAccountIdentity identity, ParsedCiphertext parsed, DataKeyScope scope, CancellationToken cancellationToken)
    {
        var wrappedKey = parsed.WrappedKey!;
        if (!scope.TryGet(parsed.Format, wrappedKey, out var dataKey, out var failure))
        {
            (dataKey, failure) = await UnwrapEnvelopeKeyAsync(identity, parsed, cancellationToken).ConfigureAwait(false);
            scope.Add(parsed.Format, wrappedKey, dataKey, failure);
        }

        if (dataKey is null)
        {
            return failure;
        }

        try
        {
            return DecryptResult.Success(dataKey.DecryptPayload(parsed));
        }
        catch (Exception e) when (e is CryptographicException or DecoderFallbackException)
        {
            // The data key opened for this identity, so the payload itself is bad.
            return DecryptResult.Invalid("the envelope payload was altered");
        }
    }

    private async ValueTask<(DataKey?, DecryptResult)> UnwrapEnvelopeKeyAsync(ServiceAccountIdentity identity, ParsedCiphertext parsed, CancellationToken cancellationToken)
    {
        if (parsed.Format == CiphertextFormat.V2Envelope)
        {
            var (bytes, failure) = await UnwrapV2KeyAsync(identity, parsed, cancellationToken).ConfigureAwait(false);
            if (bytes is null)
            {
                return (null, failure);
            }

            try
            {
                return (DataKey.FromBytes(bytes), default);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(bytes);
            }
        }

        // Upstream envelope: the wrapped key is an upstream AES value whose plaintext is base64 of the data key, or a
        // KMS ciphertext of the data key (AWS KMS; Azure Key Vault above MaximumDataLength).
        if (!CiphertextParser.TryParse(parsed.WrappedKey, out var wrapped, out _) || wrapped.Format is not (CiphertextFormat.UpstreamAes or CiphertextFormat.UpstreamKms))
        {
            return (null, DecryptResult.Invalid("the envelope's wrapped key is neither an AESKey value nor a KMS ciphertext"));
        }

        if (wrapped.Format == CiphertextFormat.UpstreamKms)
        {
            return await UnwrapUpstreamKmsKeyAsync(identity, wrapped.Body, cancellationToken).ConfigureAwait(false);
        }

        if (!_upstream.IsConfigured)
        {
            return (null, DecryptResult.Invalid("upstream values need KeyManagement:AES:Key"));
        }

        byte[] base64Key;
        try
        {
            base64Key = _upstream.Decrypt(identity, wrapped.Iv, wrapped.Body);
        }
        catch (CryptographicException)
        {
            return (null, DecryptResult.Forbidden);
        }

        // Decoded from bytes straight into a stack buffer: the data key never becomes an (unzeroable) string.
        Span<byte> keyBytes = stackalloc byte[48];
        try
        {
            return Base64.DecodeFromUtf8(base64Key, keyBytes, out _, out var written) == System.Buffers.OperationStatus.Done && written == KeyDerivation.KeySize
                ? (DataKey.FromBytes(keyBytes[..written]), default)
                : (null, DecryptResult.Forbidden);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(keyBytes);
            CryptographicOperations.ZeroMemory(base64Key);
        }
    }

    private async ValueTask<(DataKey?, DecryptResult)> UnwrapUpstreamKmsKeyAsync(ServiceAccountIdentity identity, byte[] blob, CancellationToken cancellationToken)
    {
        if (_cloud is null)
        {
            return (null, DecryptResult.Invalid(NoCloudProvider));
        }

        byte[] key;
        try
        {
            key = await _cloud.UnwrapUpstreamDataKeyAsync(identity, blob, cancellationToken).ConfigureAwait(false);
        }
        catch (CryptographicException)
        {
            return (null, DecryptResult.Forbidden);
        }

        try
        {
            return (DataKey.FromBytes(key), default);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    private static bool IsUtf8(ReadOnlySpan<byte> bytes) => System.Text.Unicode.Utf8.IsValid(bytes);

    private static DecryptResult Utf8OrForbidden(byte[] plaintext)
    {
        try
        {
            // Upstream CBC is unauthenticated: a wrong key usually fails on padding, and otherwise leaves bytes that are
            // almost never valid UTF-8. Strict decoding turns that residue into a refusal too.
            return DecryptResult.Success(StrictUtf8.GetString(plaintext));
        }
        catch (DecoderFallbackException)
        {
            return DecryptResult.Forbidden;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    private static string ToBase64AndZero(byte[] bytes)
    {
        try
        {
            return Convert.ToBase64String(bytes);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }
}
