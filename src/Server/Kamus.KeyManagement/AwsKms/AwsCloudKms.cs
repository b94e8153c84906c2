using Kamus.KeyManagement.Diagnostics;
using System.Security.Cryptography;
using Amazon;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;
using Kamus.KeyManagement.Cloud;
using Kamus.Wire.Identity;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kamus.KeyManagement.AwsKms;

/// <summary>
/// AWS KMS behind <see cref="ICloudKms"/>, through <c>AWSSDK.KeyManagementService</c>: one customer master key per
/// service account under upstream's alias <c>alias/[prefix-]kamus/&lt;KeyIdCreator(namespace:sa)&gt;</c>, created on first
/// encrypt as upstream does. Every decrypt names the caller's alias, so AWS KMS refuses another account's ciphertext
/// (<c>IncorrectKeyException</c>); Kamus's data keys also carry the identity as encryption context.
/// </summary>
internal sealed class AwsCloudKms : ICloudKms
{
    /// <summary>The <c>KeyManagement:Provider</c> value.</summary>
    public const string ProviderName = "AwsKms";

    /// <summary>The v2 key id of values written under AWS KMS.</summary>
    public const string V2KeyId = "aws";

    /// <summary>The encryption-context key that binds Kamus's data keys to a service account.</summary>
    public const string ContextKey = "kamus:service-account";

    private readonly IAmazonKeyManagementService _kms;
    private readonly AwsKmsSettings _settings;
    private readonly SemaphoreSlim _creating = new(1, 1);
    private ILogger _logger = NullLogger.Instance;

    private AwsCloudKms(IAmazonKeyManagementService kms, AwsKmsSettings settings)
    {
        _kms = kms;
        _settings = settings;
    }

    /// <inheritdoc />
    public string KeyId => V2KeyId;

    /// <inheritdoc />
    public string Description => _settings.Description;

    /// <summary>Reads the settings, or names what is missing or wrong; no network call is made.</summary>
    /// <exception cref="KamusSettingsException">A setting is missing or wrong.</exception>
    public static AwsCloudKms Create(AwsKmsOptions options)
    {
        var settings = AwsKmsSettings.Read(options, Environment.GetEnvironmentVariable);
        var config = new AmazonKeyManagementServiceConfig
        {
            Timeout = options.Timeout,
            RetryMode = RequestRetryMode.Standard,
            MaxErrorRetry = 3,
        };
        if (settings.ServiceUrl is { } serviceUrl)
        {
            config.ServiceURL = serviceUrl.AbsoluteUri;
            config.AuthenticationRegion = settings.Region;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(settings.Region);
        }

        var client = settings.Credentials is { } credentials
            ? new AmazonKeyManagementServiceClient(credentials, config)
            : new AmazonKeyManagementServiceClient(config);
        return new AwsCloudKms(client, settings);
    }

    /// <inheritdoc />
    public void AttachLogging(ILoggerFactory loggers) => _logger = loggers.CreateLogger<AwsCloudKms>();

    /// <summary>The alias of <paramref name="identity"/>'s key.</summary>
    public string Alias(ServiceAccountIdentity identity) => _settings.AliasPrefix + KeyIdCreator.Create(identity);

    /// <inheritdoc />
    public async ValueTask<(byte[] DataKey, byte[] Wrapped)> GenerateDataKeyAsync(ServiceAccountIdentity identity, CancellationToken cancellationToken)
    {
        var alias = Alias(identity);
        try
        {
            GenerateDataKeyResponse response;
            try
            {
                response = await GenerateAsync(alias, identity, cancellationToken).ConfigureAwait(false);
            }
            catch (NotFoundException)
            {
                await CreateKeyAsync(identity, alias, cancellationToken).ConfigureAwait(false);
                response = await GenerateAsync(alias, identity, cancellationToken).ConfigureAwait(false);
            }

            return (Drain(response.Plaintext), Drain(response.CiphertextBlob));
        }
        catch (Exception e) when (Outage(e, "GenerateDataKey", cancellationToken) is { } outage)
        {
            throw outage;
        }
    }

    /// <inheritdoc />
    public ValueTask<byte[]> DecryptDataKeyAsync(ServiceAccountIdentity identity, ReadOnlyMemory<byte> wrapped, CancellationToken cancellationToken) =>
        DecryptAsync(identity, wrapped, Context(identity), cancellationToken);

    /// <inheritdoc />
    public ValueTask<byte[]> DecryptUpstreamAsync(ServiceAccountIdentity identity, ReadOnlyMemory<byte> ciphertext, CancellationToken cancellationToken) =>
        DecryptAsync(identity, ciphertext, null, cancellationToken);

    /// <summary>Releases the SDK client.</summary>
    public void Dispose()
    {
        _kms.Dispose();
        _creating.Dispose();
    }

    private Task<GenerateDataKeyResponse> GenerateAsync(string alias, ServiceAccountIdentity identity, CancellationToken cancellationToken) =>
        _kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = alias, KeySpec = DataKeySpec.AES_256, EncryptionContext = Context(identity) }, cancellationToken);

    private async ValueTask<byte[]> DecryptAsync(ServiceAccountIdentity identity, ReadOnlyMemory<byte> ciphertext, Dictionary<string, string>? context, CancellationToken cancellationToken)
    {
        try
        {
            // Naming the caller's alias makes KMS check that the ciphertext is under the caller's key: upstream did
            // not, so any account could decrypt another's upstream AWS values; Kamus refuses them.
            var response = await _kms.DecryptAsync(
                new DecryptRequest { CiphertextBlob = new MemoryStream(ciphertext.ToArray()), KeyId = Alias(identity), EncryptionContext = context },
                cancellationToken).ConfigureAwait(false);
            return Drain(response.Plaintext);
        }
        catch (Exception e) when (e is IncorrectKeyException or InvalidCiphertextException)
        {
            // Another key's ciphertext, or another encryption context: the caller's key exists and refuses the value.
            throw new CryptographicException("AWS KMS refused the ciphertext for this service account's key.", e);
        }
        catch (NotFoundException e)
        {
            // The alias does not exist (deleted with its key, or never created): refused, with a warning naming it. A
            // disabled key or one pending deletion (DisabledException, KMSInvalidStateException) is an outage below.
            throw KmsFailure.MissingKey(_logger, _settings.Name, "Decrypt", $"key alias {Alias(identity)}", identity, e);
        }
        catch (Exception e) when (Outage(e, "Decrypt", cancellationToken) is { } outage)
        {
            throw outage;
        }
    }

    private async Task CreateKeyAsync(ServiceAccountIdentity identity, string alias, CancellationToken cancellationToken)
    {
        // One creation at a time in this process; another replica may still race us to the alias (handled below).
        await _creating.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (await AliasExistsAsync(alias, cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            var created = await _kms.CreateKeyAsync(
                new CreateKeyRequest { Description = $"Kamus master key of service account {identity}", KeyUsage = KeyUsageType.ENCRYPT_DECRYPT, KeySpec = KeySpec.SYMMETRIC_DEFAULT },
                cancellationToken).ConfigureAwait(false);
            var keyId = created.KeyMetadata.KeyId;
            if (_settings.AutomaticKeyRotation)
            {
                await _kms.EnableKeyRotationAsync(new EnableKeyRotationRequest { KeyId = keyId }, cancellationToken).ConfigureAwait(false);
            }

            try
            {
                await _kms.CreateAliasAsync(new CreateAliasRequest { AliasName = alias, TargetKeyId = keyId }, cancellationToken).ConfigureAwait(false);
                KamusKeyManagementLog.AwsKeyCreated(_logger, keyId, alias, identity);
            }
            catch (AlreadyExistsException)
            {
                await DiscardAsync(alias, keyId).ConfigureAwait(false);
            }
        }
        finally
        {
            _creating.Release();
        }
    }

    // Another replica (or an operator) made the alias first, so its key is the account's. The key this replica just
    // created has wrapped nothing and no alias names it: schedule its deletion, with the shortest waiting period (7 days,
    // during which CancelKeyDeletion undoes it). Best effort: a role without kms:ScheduleKeyDeletion (docs/kms.md) gets
    // a warning naming the key, for the operator to delete it; the encrypt goes on under the winner's key either way.
    private async Task DiscardAsync(string alias, string keyId)
    {
        try
        {
            // Not the request's cancellation: an abandoned request should not leave the key behind.
            await _kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = keyId, PendingWindowInDays = 7 }, CancellationToken.None).ConfigureAwait(false);
            KamusKeyManagementLog.AwsUnusedKeyDeleted(_logger, alias, keyId);
        }
        catch (Exception e) when (e is AmazonServiceException or AmazonClientException || KmsFailure.IsTransport(e, CancellationToken.None))
        {
            KamusKeyManagementLog.AwsCreationRace(_logger, alias, keyId);
        }
    }

    private async Task<bool> AliasExistsAsync(string alias, CancellationToken cancellationToken)
    {
        try
        {
            await _kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = alias }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (NotFoundException)
        {
            return false;
        }
    }

    private static Dictionary<string, string> Context(ServiceAccountIdentity identity) => new(StringComparer.Ordinal) { [ContextKey] = identity.ToString() };

    // The SDK answers bytes in a MemoryStream: copy them out and zero its buffer.
    private static byte[] Drain(MemoryStream stream)
    {
        var bytes = stream.ToArray();
        if (stream.TryGetBuffer(out var buffer))
        {
            CryptographicOperations.ZeroMemory(buffer.AsSpan());
        }

        stream.Dispose();
        return bytes;
    }

    private MasterKeyUnavailableException? Outage(Exception exception, string operation, CancellationToken cancellationToken) => exception switch
    {
        MasterKeyUnavailableException => null,
        AmazonServiceException service => KmsFailure.Unavailable(_settings.Name, operation, KmsFailure.Answered((int)service.StatusCode, service.ErrorCode, service.Message), service),
        _ when KmsFailure.IsTransport(exception, cancellationToken) => KmsFailure.Unavailable(_settings.Name, operation, KmsFailure.Describe(exception), exception),
        AmazonClientException client => KmsFailure.Unavailable(_settings.Name, operation, $"the SDK failed ({client.GetType().Name})", client),
        _ => null,
    };
}
