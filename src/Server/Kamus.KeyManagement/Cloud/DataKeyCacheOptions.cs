namespace Kamus.KeyManagement.Cloud;

/// <summary>
/// The cache of data keys a cloud KMS unwrapped (<c>KeyManagement:DataKeyCache</c>): a value read again within
/// <see cref="Ttl"/> costs no KMS call. Keys only, never plaintext; bounded, and zeroed when evicted or expired.
/// </summary>
internal sealed class DataKeyCacheOptions
{
    /// <summary>The most keys kept (default 1000; 0 turns the cache off).</summary>
    public int MaxEntries { get; set; } = 1000;

    /// <summary>How long a key is kept after it was unwrapped (default 5 minutes).</summary>
    public TimeSpan Ttl { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The cache these settings describe, or <see langword="null"/> when it is off.</summary>
    /// <exception cref="KamusSettingsException">A setting is out of range.</exception>
    public Wire.Crypto.DataKeyCache? CreateCache(TimeProvider time)
    {
        if (MaxEntries < 0 || MaxEntries > 1_000_000)
        {
            throw new KamusSettingsException("KeyManagement:DataKeyCache:MaxEntries must be between 0 (off) and 1000000.");
        }

        if (Ttl <= TimeSpan.Zero || Ttl > TimeSpan.FromDays(1))
        {
            throw new KamusSettingsException("KeyManagement:DataKeyCache:Ttl must be positive and at most one day (for example 00:05:00).");
        }

        return MaxEntries == 0 ? null : new Wire.Crypto.DataKeyCache(MaxEntries, Ttl, time);
    }
}
