using Kamus.KeyManagement.Diagnostics;
using System.Collections.Concurrent;
using Kamus.KeyManagement.Cloud;
using Microsoft.Extensions.Logging;

namespace Kamus.KeyManagement.AzureKeyVault;

/// <summary>
/// The Key Vault RSA key of each service account, named as upstream Kamus names it (<see cref="KeyIdCreator"/> of
/// <c>namespace:serviceAccount</c>), created on the first encrypt for the account with the configured type and size.
/// The public half is cached for <see cref="CacheTime"/> (at most <see cref="MaxCachedKeys"/> accounts), so encrypting
/// needs no Key Vault call at all in the steady state; concurrent first encrypts share one lookup (and one creation).
/// </summary>
internal sealed class KeyVaultAccountKeys
{
    /// <summary>How long a key's public half and version are reused before the vault is asked again (a rotation shows after this).</summary>
    public static readonly TimeSpan CacheTime = TimeSpan.FromMinutes(5);

    /// <summary>The most accounts whose keys are cached; beyond it the cache starts over.</summary>
    public const int MaxCachedKeys = 10_000;

    private readonly ConcurrentDictionary<string, Entry> _keys = new(StringComparer.Ordinal);
    private readonly KeyVaultRestClient _client;
    private readonly string _keyType;
    private readonly int _keySize;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public KeyVaultAccountKeys(KeyVaultRestClient client, string keyType, int keySize, TimeProvider time, ILogger logger)
    {
        _client = client;
        _keyType = keyType;
        _keySize = keySize;
        _time = time;
        _logger = logger;
    }

    /// <summary>The current version of <paramref name="name"/>'s key, created when the vault has none.</summary>
    /// <exception cref="KeyVaultRequestException">The vault failed, or the key is disabled.</exception>
    public async ValueTask<KeyVaultKey> CurrentAsync(string name, string account, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (_keys.TryGetValue(name, out var cached) && cached.Expires > now)
        {
            return await cached.Key.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        if (_keys.Count >= MaxCachedKeys)
        {
            _keys.Clear();
        }

        var entry = new Entry(FetchOrCreateAsync(name, account), now + CacheTime);
        var winner = cached is null ? _keys.GetOrAdd(name, entry) : _keys.TryUpdate(name, entry, cached) ? entry : _keys.GetOrAdd(name, entry);
        try
        {
            return await winner.Key.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // A failed lookup is not cached: the next request asks the vault again.
            _keys.TryRemove(KeyValuePair.Create(name, winner));
            throw;
        }
    }

    private async Task<KeyVaultKey> FetchOrCreateAsync(string name, string account)
    {
        // Not tied to one request's cancellation: concurrent callers share this lookup.
        var key = await _client.GetKeyAsync(name, CancellationToken.None).ConfigureAwait(false);
        if (key is null)
        {
            key = await _client.CreateKeyAsync(name, _keyType, _keySize, CancellationToken.None).ConfigureAwait(false);
            KamusKeyManagementLog.KeyVaultKeyCreated(_logger, name, account, _keyType, _keySize);
        }

        return key.Enabled
            ? key
            : throw new KeyVaultRequestException(403, "KeyDisabled", $"Key Vault key '{name}' of {account} is disabled; enable it in the vault");
    }

    private sealed record Entry(Task<KeyVaultKey> Key, DateTimeOffset Expires);
}
