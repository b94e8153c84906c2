using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Kamus.KeyManagement.Cloud;
using Kamus.Wire.Crypto;
using Kamus.Wire.Identity;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kamus.KeyManagement.AzureKeyVault;

/// <summary>
/// Azure Key Vault as a cloud KMS: one RSA key per service account, named and created as upstream Kamus does
/// (<see cref="KeyVaultAccountKeys"/>). A data key is wrapped with RSA-OAEP-256 under the account key's public half,
/// which needs no vault call; the wrapped key records the key version, so it unwraps (the vault's <c>unwrapkey</c>,
/// one call per data key) after a rotation in the vault too:
/// <code>len(version) (1) | version (ASCII) | RSA-OAEP-256 ciphertext</code>
/// Upstream's values are RSA-OAEP (SHA-1) under the key's current version, as upstream decrypted them.
/// The HTTP pipeline is built on first use, from the host's <see cref="IHttpClientFactory"/> when one was attached.
/// </summary>
internal sealed class AzureKeyVaultKms : ICloudKms
{
    /// <summary>The v2 key id of values this provider wraps.</summary>
    public const string ProviderKeyId = "akv";

    private const string WrapAlgorithm = "RSA-OAEP-256";
    private const string UpstreamAlgorithm = "RSA-OAEP";

    // Key Vault key versions are 32 hex digits.
    private static readonly SearchValues<byte> HexDigits = SearchValues.Create("0123456789abcdefABCDEF"u8);

    private readonly AzureKeyVaultSettings _settings;
    private readonly Lock _gate = new();
    private IHttpClientFactory? _httpClients;
    private ILogger _logger = NullLogger.Instance;
    private (KeyVaultRestClient Client, KeyVaultAccountKeys Keys)? _connection;

    public AzureKeyVaultKms(AzureKeyVaultSettings settings)
    {
        _settings = settings;
    }

    /// <inheritdoc />
    public string KeyId => ProviderKeyId;

    /// <inheritdoc />
    public string Description => $"Azure Key Vault {_settings.Vault}";

    /// <inheritdoc />
    public void AttachLogging(ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(loggers);
        _logger = loggers.CreateLogger("Kamus.KeyManagement.AzureKeyVault");
    }

    /// <summary>
    /// Calls the vault and Entra ID with the host's named client <see cref="AzureKeyVaultSettings.HttpClientName"/>
    /// (configurable handlers, proxies, certificates). Without it, a pooled client of the provider's own is used.
    /// </summary>
    public void AttachHttpClients(IHttpClientFactory httpClients) => _httpClients = httpClients;

    /// <inheritdoc />
    public async ValueTask<(byte[] DataKey, byte[] Wrapped)> GenerateDataKeyAsync(ServiceAccountIdentity identity, CancellationToken cancellationToken)
    {
        var key = await Call("get key", identity, () => Connection.Keys.CurrentAsync(KeyIdCreator.Create(identity), identity.ToString(), cancellationToken)).ConfigureAwait(false);
        var dataKey = RandomNumberGenerator.GetBytes(KeyDerivation.KeySize);
        using var rsa = RSA.Create(key.PublicKey);
        return (dataKey, FormatWrapped(key.Version, rsa.Encrypt(dataKey, RSAEncryptionPadding.OaepSHA256)));
    }

    /// <inheritdoc />
    public ValueTask<byte[]> DecryptDataKeyAsync(ServiceAccountIdentity identity, ReadOnlyMemory<byte> wrapped, CancellationToken cancellationToken)
    {
        var (version, rsaCiphertext) = ParseWrapped(wrapped);
        return Call("unwrapkey", identity, () => Connection.Client.KeyOperationAsync(KeyIdCreator.Create(identity), version, "unwrapkey", WrapAlgorithm, rsaCiphertext, cancellationToken));
    }

    /// <inheritdoc />
    public ValueTask<byte[]> DecryptUpstreamAsync(ServiceAccountIdentity identity, ReadOnlyMemory<byte> ciphertext, CancellationToken cancellationToken) =>
        Call("decrypt", identity, () => Connection.Client.KeyOperationAsync(KeyIdCreator.Create(identity), null, "decrypt", UpstreamAlgorithm, ciphertext, cancellationToken));

    /// <summary>Nothing to release: the HTTP clients belong to the factory (or are shared).</summary>
    public void Dispose()
    {
    }

    /// <summary>Names the vault only.</summary>
    public override string ToString() => $"AzureKeyVaultKms({_settings.Vault})";

    private (KeyVaultRestClient Client, KeyVaultAccountKeys Keys) Connection
    {
        get
        {
            lock (_gate)
            {
                if (_connection is null)
                {
                    var client = _settings.Connect(_httpClients, TimeProvider.System);
                    _connection = (client, new KeyVaultAccountKeys(client, _settings.KeyType, _settings.KeyLength, TimeProvider.System, _logger));
                }

                return _connection.Value;
            }
        }
    }

    // A 400 (this key cannot decrypt the value) means the value is not this account's: 403. A 404 names either the key
    // (missing: also 403, with a warning naming it for the operator; see KmsFailure.MissingKey) or, for unwrapkey, the
    // version the value recorded, which another account's value carries: one look at the key (no creation) tells them
    // apart, so the warning is only written when the key is really missing. Anything else is an outage: 503.
    private async ValueTask<T> Call<T>(string operation, ServiceAccountIdentity identity, Func<ValueTask<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (KeyVaultRequestException e) when (e.Status == 400 && operation != "get key")
        {
            throw Refused(e);
        }
        catch (KeyVaultRequestException e) when (e.Status == 404 && operation != "get key")
        {
            var name = KeyIdCreator.Create(identity);
            if (operation == "unwrapkey" && await KeyExistsAsync(name, operation).ConfigureAwait(false))
            {
                throw Refused(e);
            }

            throw KmsFailure.MissingKey(_logger, Description, operation, $"key '{name}'", identity, e);
        }
        catch (KeyVaultRequestException e)
        {
            throw KmsFailure.Unavailable(Description, operation, e.Message, e);
        }
    }

    private async ValueTask<bool> KeyExistsAsync(string name, string operation)
    {
        try
        {
            // Not tied to the request's cancellation, like the key lookups of KeyVaultAccountKeys: it is one short call.
            return await Connection.Client.GetKeyAsync(name, CancellationToken.None).ConfigureAwait(false) is not null;
        }
        catch (KeyVaultRequestException e)
        {
            throw KmsFailure.Unavailable(Description, operation, e.Message, e);
        }
    }

    private static CryptographicException Refused(KeyVaultRequestException e) => new("Key Vault refused the value for this service account.", e);

    private static byte[] FormatWrapped(string version, ReadOnlySpan<byte> rsaCiphertext)
    {
        var versionBytes = Encoding.ASCII.GetBytes(version);
        var wrapped = new byte[1 + versionBytes.Length + rsaCiphertext.Length];
        wrapped[0] = checked((byte)versionBytes.Length);
        versionBytes.CopyTo(wrapped, 1);
        rsaCiphertext.CopyTo(wrapped.AsSpan(1 + versionBytes.Length));
        return wrapped;
    }

    private static (string Version, ReadOnlyMemory<byte> RsaCiphertext) ParseWrapped(ReadOnlyMemory<byte> wrapped)
    {
        var span = wrapped.Span;
        var length = span.IsEmpty ? 0 : span[0];
        if (length == 0 || span.Length <= 1 + length + 16 || span.Slice(1, length).ContainsAnyExcept(HexDigits))
        {
            throw new CryptographicException("Not a data key wrapped by Azure Key Vault.");
        }

        return (Encoding.ASCII.GetString(span.Slice(1, length)), wrapped[(1 + length)..]);
    }
}
