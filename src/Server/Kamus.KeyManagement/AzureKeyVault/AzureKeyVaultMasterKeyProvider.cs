using System.Security.Cryptography;
using Kamus.Wire.Crypto;
using Kamus.Wire.Identity;

namespace Kamus.KeyManagement.AzureKeyVault;

/// <summary>
/// Master keys in Azure Key Vault: one RSA key per service account, named and created as upstream Kamus does. New
/// values are wrapped under key id <see cref="KeyId"/> as a <see cref="KeyVaultWrappedBlob"/> (RSA-OAEP-256 with the
/// account's public key, which needs no vault call; AES-256-GCM with the format's associated data). Unwrapping calls the
/// vault's <c>unwrapkey</c> once per data key. Upstream's values (RSA-OAEP under the account key's current version) are
/// read by <see cref="DecryptUpstreamAsync"/>.
/// Refused values throw <see cref="CryptographicException"/>; vault failures <see cref="MasterKeyUnavailableException"/>.
/// </summary>
internal sealed class AzureKeyVaultMasterKeyProvider : IMasterKeyProvider, IUpstreamKms
{
    /// <summary>The v2 key id of values wrapped by this provider.</summary>
    public const string KeyId = "akv";

    private const string WrapAlgorithm = "RSA-OAEP-256";
    private const string UpstreamAlgorithm = "RSA-OAEP";

    private readonly KeyVaultRestClient _client;
    private readonly KeyVaultAccountKeys _keys;

    public AzureKeyVaultMasterKeyProvider(KeyVaultRestClient client, KeyVaultAccountKeys keys)
    {
        _client = client;
        _keys = keys;
    }

    /// <inheritdoc />
    public string CurrentKeyId => KeyId;

    /// <summary>The vault's URL, for the start-up log.</summary>
    public Uri Vault => _client.Vault;

    /// <inheritdoc />
    public bool HasKey(string keyId) => string.Equals(keyId, KeyId, StringComparison.Ordinal);

    /// <inheritdoc />
    public async ValueTask<byte[]> WrapAsync(string keyId, ServiceAccountIdentity identity, ReadOnlyMemory<byte> plaintext, ReadOnlyMemory<byte> associatedData, CancellationToken cancellationToken = default)
    {
        EnsureKnown(keyId);
        var name = KeyIdCreator.Create(identity);
        var key = await Unavailable(() => _keys.CurrentAsync(name, identity.ToString(), cancellationToken));
        var contentKey = GC.AllocateArray<byte>(KeyDerivation.KeySize, pinned: true);
        try
        {
            RandomNumberGenerator.Fill(contentKey);
            byte[] wrappedKey;
            using (var rsa = RSA.Create(key.PublicKey))
            {
                wrappedKey = rsa.Encrypt(contentKey, RSAEncryptionPadding.OaepSHA256);
            }

            return KeyVaultWrappedBlob.Format(key.Version, wrappedKey, AesGcmSealer.Seal(contentKey, plaintext.Span, associatedData.Span));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(contentKey);
        }
    }

    /// <inheritdoc />
    public async ValueTask<byte[]> UnwrapAsync(string keyId, ServiceAccountIdentity identity, ReadOnlyMemory<byte> wrapped, ReadOnlyMemory<byte> associatedData, CancellationToken cancellationToken = default)
    {
        EnsureKnown(keyId);
        var blob = KeyVaultWrappedBlob.Parse(wrapped);
        var name = KeyIdCreator.Create(identity);
        var contentKey = await Refusable(() => _client.KeyOperationAsync(name, blob.KeyVersion, "unwrapkey", WrapAlgorithm, blob.WrappedKey, cancellationToken));
        try
        {
            return contentKey.Length == KeyDerivation.KeySize
                ? AesGcmSealer.Open(contentKey, blob.Sealed.Span, associatedData.Span)
                : throw new CryptographicException("The unwrapped key has the wrong length.");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(contentKey);
        }
    }

    /// <summary>
    /// Decrypts an upstream Kamus value made under Key Vault: RSA-OAEP (SHA-1) with the current version of the
    /// account's key, as upstream decrypts it. The caller zeroes the result.
    /// </summary>
    /// <exception cref="CryptographicException">The value is not for this account (or was altered).</exception>
    /// <exception cref="MasterKeyUnavailableException">The vault failed.</exception>
    public ValueTask<byte[]> DecryptUpstreamAsync(ServiceAccountIdentity identity, ReadOnlyMemory<byte> ciphertext, CancellationToken cancellationToken = default) =>
        Refusable(() => _client.KeyOperationAsync(KeyIdCreator.Create(identity), null, "decrypt", UpstreamAlgorithm, ciphertext, cancellationToken));

    private static void EnsureKnown(string keyId)
    {
        if (!string.Equals(keyId, KeyId, StringComparison.Ordinal))
        {
            throw new KeyNotFoundException($"Key id '{keyId}' is not a Key Vault key id ('{KeyId}').");
        }
    }

    // A 400 (the key cannot decrypt this) or 404 (the account has no key) means the value is not this account's.
    private static async ValueTask<T> Refusable<T>(Func<ValueTask<T>> call)
    {
        try
        {
            return await call();
        }
        catch (KeyVaultRequestException e) when (e.IsRefusal)
        {
            throw new CryptographicException("Key Vault refused the value for this service account.", e);
        }
        catch (KeyVaultRequestException e)
        {
            throw new MasterKeyUnavailableException(e.Message, e);
        }
    }

    private static async ValueTask<T> Unavailable<T>(Func<ValueTask<T>> call)
    {
        try
        {
            return await call();
        }
        catch (KeyVaultRequestException e)
        {
            throw new MasterKeyUnavailableException(e.Message, e);
        }
    }
}
