namespace Kamus.KeyManagement.Offline;

/// <summary>
/// Offline encryption keys (<c>KeyManagement:Offline</c>): the wrapped master seed every service account's key pair is
/// derived from, the wrapped statement-signing key, the current epoch and how long a key statement is valid.
/// Both secrets are wrapped by the configured key provider (<c>Kamus.Server offline-keys-generate</c> makes them).
/// </summary>
internal sealed class OfflineKeyOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "KeyManagement:Offline";

    /// <summary>The wrapped master seed (<c>offline-seed.v1.&lt;keyId&gt;.&lt;sealed&gt;</c>).</summary>
    public string? Seed { get; set; }

    /// <summary>The wrapped statement-signing key (<c>offline-signing-key.v1.&lt;keyId&gt;.&lt;sealed&gt;</c>).</summary>
    public string? SigningKey { get; set; }

    /// <summary>The epoch of the key pairs new statements publish; every epoch from 1 up to it still decrypts.</summary>
    public int CurrentEpoch { get; set; } = 1;

    /// <summary>How long a key statement may be used to encrypt after it is issued (default 365 days).</summary>
    public TimeSpan StatementLifetime { get; set; } = TimeSpan.FromDays(365);
}
