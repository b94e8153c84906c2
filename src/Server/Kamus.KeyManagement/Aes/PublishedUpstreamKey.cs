using System.Security.Cryptography;

namespace Kamus.KeyManagement.Aes;

/// <summary>
/// The AES key that upstream Kamus's Helm chart shipped as its default value. It is published, so anything encrypted
/// under it is readable by anyone; some upstream installs still use it. Kamus reads it (old values must decrypt) but
/// says so loudly at every start. Only its SHA-256 is kept here.
/// </summary>
internal static class PublishedUpstreamKey
{
    private static ReadOnlySpan<byte> Sha256 =>
    [
        0xDB, 0x63, 0xB3, 0x44, 0xDC, 0x90, 0x83, 0x62, 0x49, 0x8B, 0xB6, 0x02, 0x06, 0xCE, 0x98, 0x8F,
        0xA8, 0x63, 0xD0, 0xDE, 0xDE, 0xD0, 0x35, 0xAE, 0x50, 0x2D, 0x17, 0xCB, 0x64, 0x40, 0x63, 0x2C,
    ];

    /// <summary>The settings (names only) whose key is the published one: KeyManagement:AES:Key and the key ring's.</summary>
    public static IReadOnlyList<string> FindIn(KeyManagementOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var found = new List<string>();
        if (Is(options.AES.Key))
        {
            found.Add("KeyManagement:AES:Key");
        }

        foreach (var (id, key) in options.KeyRing.Keys)
        {
            if (Is(key))
            {
                found.Add($"KeyManagement:KeyRing:Keys:{id}");
            }
        }

        return found;
    }

    private static bool Is(string? base64)
    {
        Span<byte> key = stackalloc byte[48];
        if (string.IsNullOrWhiteSpace(base64) || !Convert.TryFromBase64String(base64.Trim(), key, out var length) || length != 32)
        {
            return false;
        }

        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(key[..length], hash);
        CryptographicOperations.ZeroMemory(key);
        return CryptographicOperations.FixedTimeEquals(hash, Sha256);
    }
}
