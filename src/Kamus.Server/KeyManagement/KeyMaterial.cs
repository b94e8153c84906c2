using System.Security.Cryptography;
using Kamus.Client.Crypto;
using Kamus.Client.Formats;
using Kamus.Server.Configuration;

namespace Kamus.Server.KeyManagement;

/// <summary>The master keys read from configuration: the v2 key ring and the upstream AES key.</summary>
public sealed class KeyMaterial : IDisposable
{
    /// <summary>The key id under which upstream's <c>KeyManagement:AES:Key</c> also serves the v2 formats.</summary>
    public const string UpstreamKeyId = "k0";

    private KeyMaterial(AesKeyRing ring, UpstreamAesKey upstream, bool usesDevelopmentKey)
    {
        Ring = ring;
        Upstream = upstream;
        UsesDevelopmentKey = usesDevelopmentKey;
    }

    /// <summary>The v2 key ring.</summary>
    public AesKeyRing Ring { get; }

    /// <summary>The upstream AES key (may be <see cref="UpstreamAesKey.None"/>).</summary>
    public UpstreamAesKey Upstream { get; }

    /// <summary>Whether the well-known insecure development key is in use.</summary>
    public bool UsesDevelopmentKey { get; }

    /// <summary>Reads the keys, or explains which setting is wrong (never showing a value).</summary>
    /// <exception cref="KamusServerConfigurationException">No usable key, or a malformed one.</exception>
    public static KeyMaterial Load(KeyManagementOptions options, bool developmentMode)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.IsNullOrEmpty(options.Provider) && !string.Equals(options.Provider, "AESKey", StringComparison.OrdinalIgnoreCase))
        {
            throw new KamusServerConfigurationException(
                $"KeyManagement:Provider '{options.Provider}' is not supported by this server; only 'AESKey' is (a PKCS#11 or KMS provider plugs in behind IMasterKeyProvider).");
        }

        var keys = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        try
        {
            byte[]? upstreamKey = null;
            string? upstreamKeyId = null;
            if (!string.IsNullOrWhiteSpace(options.AES.Key))
            {
                upstreamKey = Decode(options.AES.Key, "KeyManagement:AES:Key");
                keys[UpstreamKeyId] = upstreamKey;
                upstreamKeyId = UpstreamKeyId;
            }

            foreach (var (id, text) in options.KeyRing.Keys)
            {
                if (!V2Layout.IsValidKeyId(id))
                {
                    throw new KamusServerConfigurationException($"KeyManagement:KeyRing:Keys:{id}: a key id is 1 to 32 characters of [A-Za-z0-9_-].");
                }

                var key = Decode(text, $"KeyManagement:KeyRing:Keys:{id}");
                if (keys.TryGetValue(id, out var existing) && !CryptographicOperations.FixedTimeEquals(existing, key))
                {
                    throw new KamusServerConfigurationException($"KeyManagement:KeyRing:Keys:{UpstreamKeyId} differs from KeyManagement:AES:Key, which uses that key id.");
                }

                keys[id] = key;
            }

            var usesDevelopmentKey = false;
            if (keys.Count == 0)
            {
                if (!developmentMode)
                {
                    throw new KamusServerConfigurationException(
                        "No master key is configured, and Kamus never generates one silently. Set KeyManagement:AES:Key (base64 of 32 bytes, upstream's setting) " +
                        "or KeyManagement:KeyRing:Keys:<keyId> with KeyManagement:KeyRing:CurrentKeyId, or set Kamus:Development:Enabled=true to use the INSECURE development key.");
                }

                upstreamKey = DevelopmentKey.InsecureBytes.ToArray();
                keys[DevelopmentKey.KeyId] = upstreamKey;
                upstreamKeyId = DevelopmentKey.KeyId;
                usesDevelopmentKey = true;
            }

            var current = CurrentKeyId(options, keys, upstreamKeyId);
            var upstream = upstreamKey is null ? UpstreamAesKey.None : new UpstreamAesKey(upstreamKey, options.AES.UseKeyDeriviation);
            return new KeyMaterial(new AesKeyRing(current, keys), upstream, usesDevelopmentKey);
        }
        finally
        {
            foreach (var key in keys.Values)
            {
                CryptographicOperations.ZeroMemory(key);
            }
        }
    }

    /// <summary>Zeroes every key.</summary>
    public void Dispose()
    {
        Ring.Dispose();
        Upstream.Dispose();
    }

    private static string CurrentKeyId(KeyManagementOptions options, Dictionary<string, byte[]> keys, string? upstreamKeyId)
    {
        var configured = options.KeyRing.CurrentKeyId;
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return keys.ContainsKey(configured)
                ? configured
                : throw new KamusServerConfigurationException($"KeyManagement:KeyRing:CurrentKeyId names '{configured}', which is not a configured key id.");
        }

        if (options.KeyRing.Keys.Count == 1)
        {
            return options.KeyRing.Keys.Keys.First();
        }

        if (options.KeyRing.Keys.Count > 1)
        {
            throw new KamusServerConfigurationException("KeyManagement:KeyRing:CurrentKeyId is required when the key ring holds more than one key.");
        }

        return upstreamKeyId!;
    }

    private static byte[] Decode(string text, string setting)
    {
        var buffer = new byte[64];
        if (!Convert.TryFromBase64String(text.Trim(), buffer, out var written) || written != KeyDerivation.KeySize)
        {
            CryptographicOperations.ZeroMemory(buffer);
            throw new KamusServerConfigurationException($"{setting} must be base64 of exactly 32 bytes.");
        }

        var key = buffer[..written];
        CryptographicOperations.ZeroMemory(buffer);
        return key;
    }
}
