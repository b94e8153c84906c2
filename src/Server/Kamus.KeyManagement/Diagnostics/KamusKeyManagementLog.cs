using Kamus.Wire.Identity;
using Microsoft.Extensions.Logging;

namespace Kamus.KeyManagement.Diagnostics;

/// <summary>
/// Key management's log messages (source-generated). They name keys, aliases and service accounts: never key material
/// or values. Each keeps the <c>EventName</c> (and so the event id, which the generator hashes from it) that it had
/// when it was declared beside its caller, so log queries on those keep working.
/// </summary>
internal static partial class KamusKeyManagementLog
{
    // All cloud KMS providers: a decrypt for an account whose key does not exist (refused with 403; see KmsFailure.MissingKey).
    [LoggerMessage(Level = LogLevel.Warning, Message = "{Kms} {Operation}: {Key} of service account {ServiceAccount} does not exist (deleted, or never created under these settings); the value was refused. If values for this account should decrypt, check the key ring, vault, region or alias prefix settings.")]
    public static partial void MissingKey(ILogger logger, string kms, string operation, string key, ServiceAccountIdentity serviceAccount);

    // AwsCloudKms
    [LoggerMessage(EventName = "LogKeyCreated", Level = LogLevel.Information, Message = "Created AWS KMS key {KeyId} with alias {Alias} for service account {ServiceAccount}.")]
    public static partial void AwsKeyCreated(ILogger logger, string keyId, string alias, ServiceAccountIdentity serviceAccount);

    [LoggerMessage(EventName = "LogCreationRace", Level = LogLevel.Warning, Message = "Alias {Alias} was created by another replica first; key {KeyId} that this replica created is unused: schedule its deletion.")]
    public static partial void AwsCreationRace(ILogger logger, string alias, string keyId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Alias {Alias} was created by another replica first; scheduled the deletion of key {KeyId} that this replica created, unused (7 days; CancelKeyDeletion undoes it).")]
    public static partial void AwsUnusedKeyDeleted(ILogger logger, string alias, string keyId);

    // GoogleCloudKms. The same event as AWS's creation (as before the move): one provider runs per deployment, and each logs
    // under its own category.
#pragma warning disable SYSLIB1025 // Multiple logging methods use the same event name: on purpose, see above.
    [LoggerMessage(EventName = "LogKeyCreated", Level = LogLevel.Information, Message = "Created Cloud KMS CryptoKey {CryptoKey} for service account {ServiceAccount}.")]
    public static partial void GoogleKeyCreated(ILogger logger, string cryptoKey, ServiceAccountIdentity serviceAccount);
#pragma warning restore SYSLIB1025

    // KeyVaultAccountKeys
    [LoggerMessage(EventName = "LogCreated", Level = LogLevel.Information, Message = "Created Key Vault key '{KeyName}' for {Account} ({KeyType}, {KeySize} bits).")]
    public static partial void KeyVaultKeyCreated(ILogger logger, string keyName, string account, string keyType, int keySize);
}
