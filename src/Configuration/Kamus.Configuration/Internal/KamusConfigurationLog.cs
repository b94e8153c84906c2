using Kamus.Client;
using Microsoft.Extensions.Logging;

namespace Kamus.Configuration.Internal;

/// <summary>Log messages of the provider. They name keys, counts and kinds, never values.</summary>
internal static partial class KamusConfigurationLog
{
    [LoggerMessage(1, LogLevel.Information, "Kamus decrypted {Count} configuration values ({RemoteCount} through the client, the rest cached): {Keys}")]
    public static partial void Decrypted(ILogger logger, int count, int remoteCount, string keys);

    [LoggerMessage(2, LogLevel.Warning, "Kamus could not decrypt configuration key {Key}: {Kind}, {Reason} (ciphertext {Fingerprint})")]
    public static partial void KeyFailed(ILogger logger, string key, KamusErrorKind kind, string reason, string fingerprint);

    [LoggerMessage(3, LogLevel.Warning, "Kamus reload: {Count} configuration values could not be decrypted; their last good values are kept")]
    public static partial void ReloadKeptLastGood(ILogger logger, int count);

    [LoggerMessage(4, LogLevel.Error, "Kamus reload failed unexpectedly; the configuration keeps its last good values")]
    public static partial void ReloadCrashed(ILogger logger, Exception exception);

    [LoggerMessage(5, LogLevel.Warning, "Kamus left out {Count} configuration value(s) that could not be decrypted (optional or ignored)")]
    public static partial void LeftOut(ILogger logger, int count);

    [LoggerMessage(6, LogLevel.Debug, "Kamus reload: nothing changed")]
    public static partial void Unchanged(ILogger logger);

    [LoggerMessage(7, LogLevel.Warning, "Configuration key {Key} is still a Kamus ciphertext ({Fingerprint}) after every configuration source was applied: it comes from a source added after AddKamus(). The app reads the ciphertext, not the secret; add that source before AddKamus()")]
    public static partial void StillEncrypted(ILogger logger, string key, string fingerprint);
}
