using Kamus.KeyManagement.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Google.Apis.Auth.OAuth2;
using Google.Apis.Auth.OAuth2.Responses;
using Kamus.KeyManagement.Cloud;
using Kamus.Wire.Identity;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kamus.KeyManagement.GoogleKms;

/// <summary>
/// Google Cloud KMS behind <see cref="ICloudKms"/>: one CryptoKey per service account in the configured key ring,
/// named by <see cref="KeyIdCreator"/> and created on first encrypt, as upstream Kamus does. Upstream's values are
/// base64 of a Cloud KMS ciphertext of the UTF-8 value, made without additional data; Kamus's data keys are encrypted
/// with the identity as additional authenticated data, so Cloud KMS itself refuses them to any other identity.
/// </summary>
internal sealed class GoogleCloudKms : ICloudKms
{
    /// <summary>The <c>KeyManagement:Provider</c> value.</summary>
    public const string ProviderName = "GoogleKms";

    /// <summary>The v2 key id of values written under Google Cloud KMS.</summary>
    public const string V2KeyId = "gcp";

    /// <summary>The OAuth scope Kamus asks for.</summary>
    public const string Scope = "https://www.googleapis.com/auth/cloudkms";

    private const string Kms = "Google Cloud KMS";

    private readonly GoogleKmsRestClient _client;
    private readonly GoogleKmsSettings _settings;
    private readonly TimeProvider _time;
    private ILogger _logger = NullLogger.Instance;

    private GoogleCloudKms(GoogleKmsRestClient client, GoogleKmsSettings settings, TimeProvider time)
    {
        _client = client;
        _settings = settings;
        _time = time;
    }

    /// <inheritdoc />
    public string KeyId => V2KeyId;

    /// <inheritdoc />
    public string Description => $"{Kms} key ring {_settings.KeyRing}";

    /// <summary>Reads the settings and credentials, or names what is missing or wrong; no network call is made.</summary>
    /// <exception cref="KamusSettingsException">A setting is missing or wrong, or no credentials were found.</exception>
    public static GoogleCloudKms Create(GoogleKmsOptions options, TimeProvider time)
    {
        var settings = GoogleKmsSettings.Read(options);
        var credential = LoadCredential(options.CredentialsPath);
        var client = new GoogleKmsRestClient(settings.Endpoint, credential, options.Timeout, new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
        return new GoogleCloudKms(client, settings, time);
    }

    /// <inheritdoc />
    public void AttachLogging(ILoggerFactory loggers) => _logger = loggers.CreateLogger<GoogleCloudKms>();

    /// <inheritdoc />
    public async ValueTask<(byte[] DataKey, byte[] Wrapped)> GenerateDataKeyAsync(ServiceAccountIdentity identity, CancellationToken cancellationToken)
    {
        var cryptoKey = CryptoKeyName(identity);
        var dataKey = RandomNumberGenerator.GetBytes(32);
        try
        {
            try
            {
                return (dataKey, await _client.EncryptAsync(cryptoKey, dataKey, Binding(identity), cancellationToken).ConfigureAwait(false));
            }
            catch (GoogleKmsApiException e) when (e.Status == "NOT_FOUND")
            {
                await CreateCryptoKeyAsync(identity, cryptoKey, cancellationToken).ConfigureAwait(false);
                return (dataKey, await _client.EncryptAsync(cryptoKey, dataKey, Binding(identity), cancellationToken).ConfigureAwait(false));
            }
        }
        catch (Exception e)
        {
            CryptographicOperations.ZeroMemory(dataKey);
            if (Outage(e, "encrypt", cancellationToken) is { } outage)
            {
                throw outage;
            }

            throw;
        }
    }

    /// <inheritdoc />
    public ValueTask<byte[]> DecryptDataKeyAsync(ServiceAccountIdentity identity, ReadOnlyMemory<byte> wrapped, CancellationToken cancellationToken) =>
        DecryptAsync(identity, wrapped, Binding(identity), cancellationToken);

    /// <inheritdoc />
    public ValueTask<byte[]> DecryptUpstreamAsync(ServiceAccountIdentity identity, ReadOnlyMemory<byte> ciphertext, CancellationToken cancellationToken) =>
        DecryptAsync(identity, ciphertext, ReadOnlyMemory<byte>.Empty, cancellationToken);

    /// <summary>Releases the HTTP client.</summary>
    public void Dispose() => _client.Dispose();

    private async ValueTask<byte[]> DecryptAsync(ServiceAccountIdentity identity, ReadOnlyMemory<byte> ciphertext, ReadOnlyMemory<byte> additionalData, CancellationToken cancellationToken)
    {
        try
        {
            return await _client.DecryptAsync(CryptoKeyName(identity), ciphertext, additionalData, cancellationToken).ConfigureAwait(false);
        }
        catch (GoogleKmsApiException e) when (e.Status == "INVALID_ARGUMENT")
        {
            // "Decryption failed": another key's ciphertext (or other additional data) fails authentication: not its value.
            throw new CryptographicException("Cloud KMS refused the ciphertext for this service account's key.", e);
        }
        catch (GoogleKmsApiException e) when (e.Status == "NOT_FOUND")
        {
            // No such CryptoKey (or key ring): Cloud KMS never deletes CryptoKeys, so the settings name another key ring or
            // nothing was ever encrypted for this account: refused, with a warning naming it. A disabled or destroyed
            // version is FAILED_PRECONDITION (an outage below).
            throw KmsFailure.MissingKey(_logger, Kms, "decrypt", $"CryptoKey {CryptoKeyName(identity)}", identity, e);
        }
        catch (Exception e) when (Outage(e, "decrypt", cancellationToken) is { } outage)
        {
            throw outage;
        }
    }

    private async Task CreateCryptoKeyAsync(ServiceAccountIdentity identity, string cryptoKey, CancellationToken cancellationToken)
    {
        try
        {
            await _client.CreateCryptoKeyAsync(_settings.KeyRing, KeyIdCreator.Create(identity), _settings.ProtectionLevel, _settings.RotationPeriod, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            KamusKeyManagementLog.GoogleKeyCreated(_logger, cryptoKey, identity);
        }
        catch (GoogleKmsApiException e) when (e.Status == "ALREADY_EXISTS")
        {
            // Another replica created it first.
        }
    }

    // Outages (and refusals of Kamus's own credentials or permissions) answer 503; refusals of a value do not come here.
    private static MasterKeyUnavailableException? Outage(Exception exception, string operation, CancellationToken cancellationToken) => exception switch
    {
        GoogleKmsApiException api => KmsFailure.Unavailable(Kms, operation, KmsFailure.Answered(api.HttpStatus, api.Status, api.Detail), api),
        TokenResponseException token => KmsFailure.Unavailable(Kms, operation, $"the OAuth token endpoint refused the credentials ({token.Error?.Error ?? "no error code"})", token),
        InvalidOperationException credential when credential.Source?.StartsWith("Google.Apis", StringComparison.Ordinal) == true =>
            KmsFailure.Unavailable(Kms, operation, "no usable Google credentials", credential),
        _ when KmsFailure.IsTransport(exception, cancellationToken) => KmsFailure.Unavailable(Kms, operation, KmsFailure.Describe(exception), exception),
        _ => null,
    };

    private string CryptoKeyName(ServiceAccountIdentity identity) => $"{_settings.KeyRing}/cryptoKeys/{KeyIdCreator.Create(identity)}";

    private static ReadOnlyMemory<byte> Binding(ServiceAccountIdentity identity) => Encoding.UTF8.GetBytes("kamus:v2:" + identity);

    private static GoogleCredential LoadCredential(string? credentialsPath)
    {
        try
        {
            var credential = string.IsNullOrWhiteSpace(credentialsPath)
                ? GoogleCredential.GetApplicationDefault()
                : CredentialFactory.FromFile<ServiceAccountCredential>(credentialsPath).ToGoogleCredential();
            return credential.CreateScoped(Scope);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException or FormatException or ArgumentException or Newtonsoft.Json.JsonException)
        {
            var where = string.IsNullOrWhiteSpace(credentialsPath)
                ? "Application Default Credentials found none: set GOOGLE_APPLICATION_CREDENTIALS to a service-account key file, or run with Workload Identity"
                : $"KeyManagement:GoogleKms:CredentialsPath '{credentialsPath}' is not a readable service-account key file";
            throw new KamusSettingsException($"{Kms} needs credentials: {where} ({e.GetType().Name}).", e);
        }
    }
}
