using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Kamus.Client.Crypto;
using Kamus.Client.Formats;
using Kamus.Server.Configuration;
using Kamus.Server.KeyManagement;
using Microsoft.Extensions.Options;

namespace Kamus.Server.Encryption;

/// <summary>
/// Encrypts for and decrypts as a service account, in every Kamus format. The layouts and derivations live in
/// <c>Kamus.Client.Formats</c> and <c>Kamus.Client.Crypto</c>; the master keys behind <see cref="IMasterKeyProvider"/>.
/// </summary>
public sealed class CiphertextService
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly IMasterKeyProvider _keys;
    private readonly UpstreamAesKey _upstream;
    private readonly CiphertextWriteFormat _format;

    /// <summary>Creates the service.</summary>
    public CiphertextService(IMasterKeyProvider keys, UpstreamAesKey upstream, IOptions<KamusServerOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _keys = keys;
        _upstream = upstream;
        _format = options.Value.Encryption.Format;
    }

    /// <summary>Encrypts one value (<c>/api/v1/encrypt</c>): a <c>k2.</c> value, or upstream <c>iv:ct</c>.</summary>
    public string Encrypt(ServiceAccountIdentity identity, string plaintext)
    {
        var bytes = Encoding.UTF8.GetBytes(plaintext);
        try
        {
            if (_format == CiphertextWriteFormat.Upstream)
            {
                return _upstream.Encrypt(identity, bytes);
            }

            var keyId = _keys.CurrentKeyId;
            var sealedValue = _keys.Wrap(keyId, identity, bytes, V2Layout.ValueAssociatedData(keyId, identity));
            return V2Layout.FormatValue(keyId, sealedValue);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    /// <summary>Encrypts many values under one fresh data key, wrapped once (<c>/api/v2/encrypt</c>).</summary>
    public Dictionary<string, string> EncryptMany(ServiceAccountIdentity identity, IReadOnlyDictionary<string, string> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        using var dataKey = DataKey.Generate();
        var result = new Dictionary<string, string>(items.Count, StringComparer.Ordinal);
        if (_format == CiphertextWriteFormat.Upstream)
        {
            // Upstream envelope: the wrapped key is an upstream value whose plaintext is base64 of the data key.
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

        var keyId = _keys.CurrentKeyId;
        var sealedKey = _keys.Wrap(keyId, identity, dataKey.Bytes, V2Layout.DataKeyAssociatedData(keyId, identity));
        foreach (var (name, plaintext) in items)
        {
            var bytes = Encoding.UTF8.GetBytes(plaintext);
            var payload = dataKey.SealPayload(bytes);
            CryptographicOperations.ZeroMemory(bytes);
            result[name] = V2Layout.FormatEnvelope(keyId, sealedKey, payload);
        }

        return result;
    }

    /// <summary>
    /// Decrypts any Kamus value as <paramref name="identity"/>. A bare wrapped key (<c>k2k.</c>, or an upstream envelope's
    /// wrapped part) answers base64 of its data key. <paramref name="scope"/> unwraps each distinct data key once.
    /// </summary>
    public DecryptResult Decrypt(ServiceAccountIdentity identity, string? ciphertext, DataKeyScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        if (!CiphertextParser.TryParse(ciphertext, out var parsed, out var reason))
        {
            return DecryptResult.Invalid(reason);
        }

        switch (parsed.Format)
        {
            case CiphertextFormat.UpstreamAes:
                return DecryptUpstream(identity, parsed.Iv, parsed.Body);
            case CiphertextFormat.V2Value:
                return DecryptV2Value(identity, parsed);
            case CiphertextFormat.V2WrappedKey:
                return UnwrapV2Key(identity, parsed, out var bytes) is { } failure
                    ? failure
                    : DecryptResult.Success(ToBase64AndZero(bytes!));
            default:
                return DecryptEnvelope(identity, parsed, scope);
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

    private DecryptResult DecryptV2Value(ServiceAccountIdentity identity, ParsedCiphertext parsed)
    {
        var keyId = parsed.KeyId!;
        if (!_keys.HasKey(keyId))
        {
            return DecryptResult.Invalid("unknown key id");
        }

        byte[] plaintext;
        try
        {
            plaintext = _keys.Unwrap(keyId, identity, parsed.Body, V2Layout.ValueAssociatedData(keyId, identity));
        }
        catch (CryptographicException)
        {
            return DecryptResult.Forbidden;
        }

        return Utf8OrForbidden(plaintext);
    }

    private DecryptResult? UnwrapV2Key(ServiceAccountIdentity identity, ParsedCiphertext parsed, out byte[]? dataKey)
    {
        dataKey = null;
        var keyId = parsed.KeyId!;
        if (!_keys.HasKey(keyId))
        {
            return DecryptResult.Invalid("unknown key id");
        }

        try
        {
            dataKey = _keys.Unwrap(keyId, identity, parsed.SealedKey, V2Layout.DataKeyAssociatedData(keyId, identity));
        }
        catch (CryptographicException)
        {
            return DecryptResult.Forbidden;
        }

        if (dataKey.Length != KeyDerivation.KeySize)
        {
            CryptographicOperations.ZeroMemory(dataKey);
            dataKey = null;
            return DecryptResult.Forbidden;
        }

        return null;
    }

    private DecryptResult DecryptEnvelope(ServiceAccountIdentity identity, ParsedCiphertext parsed, DataKeyScope scope)
    {
        var wrappedKey = parsed.WrappedKey!;
        if (!scope.TryGet(wrappedKey, out var dataKey, out var failure))
        {
            (dataKey, failure) = UnwrapEnvelopeKey(identity, parsed);
            scope.Add(wrappedKey, dataKey, failure);
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

    private (DataKey?, DecryptResult) UnwrapEnvelopeKey(ServiceAccountIdentity identity, ParsedCiphertext parsed)
    {
        if (parsed.Format == CiphertextFormat.V2Envelope)
        {
            if (UnwrapV2Key(identity, parsed, out var bytes) is { } failure)
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

        // Upstream envelope: the wrapped key is an upstream AES value whose plaintext is base64 of the data key.
        if (!CiphertextParser.TryParse(parsed.WrappedKey, out var wrapped, out _) || wrapped.Format != CiphertextFormat.UpstreamAes)
        {
            return (null, DecryptResult.Invalid("the envelope's wrapped key is not an AESKey value"));
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
