using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;

namespace Kamus.KeyManagement.AzureKeyVault;

/// <summary>
/// A Key Vault RSA key as <c>GET /keys/{name}</c> and <c>create</c> answer it: its name, version, whether it is
/// enabled, and its public half (which is not secret: wrapping with it needs no call to the vault).
/// </summary>
internal sealed class KeyVaultKey
{
    private KeyVaultKey(string name, string version, bool enabled, RSAParameters publicKey)
    {
        Name = name;
        Version = version;
        Enabled = enabled;
        PublicKey = publicKey;
    }

    public string Name { get; }

    /// <summary>The version (32 hex digits in Azure), the last segment of the key's <c>kid</c>.</summary>
    public string Version { get; }

    public bool Enabled { get; }

    /// <summary>The modulus and exponent.</summary>
    public RSAParameters PublicKey { get; }

    /// <summary>Reads <c>{"key":{"kid","kty","n","e"},"attributes":{"enabled"}}</c>.</summary>
    /// <exception cref="KeyVaultRequestException">The bundle is not an RSA key of the expected shape.</exception>
    public static KeyVaultKey Read(string name, JsonElement bundle)
    {
        if (bundle.ValueKind != JsonValueKind.Object || !bundle.TryGetProperty("key", out var key) || key.ValueKind != JsonValueKind.Object)
        {
            throw Malformed(name, "no key");
        }

        var kty = Text(key, "kty");
        if (kty is not ("RSA" or "RSA-HSM"))
        {
            throw Malformed(name, $"key type '{kty}', not RSA");
        }

        var kid = Text(key, "kid");
        var version = kid is null ? null : kid[(kid.LastIndexOf('/') + 1)..];
        if (string.IsNullOrEmpty(version) || !Uri.TryCreate(kid, UriKind.Absolute, out _))
        {
            throw Malformed(name, "no versioned kid");
        }

        var modulus = Bytes(key, "n") ?? throw Malformed(name, "no modulus");
        var exponent = Bytes(key, "e") ?? throw Malformed(name, "no exponent");
        var enabled = !bundle.TryGetProperty("attributes", out var attributes) || attributes.ValueKind != JsonValueKind.Object
            || !attributes.TryGetProperty("enabled", out var flag) || flag.ValueKind != JsonValueKind.False;
        return new KeyVaultKey(name, version, enabled, new RSAParameters { Modulus = modulus, Exponent = exponent });
    }

    /// <summary>Names the key and version only.</summary>
    public override string ToString() => $"KeyVaultKey({Name}/{Version})";

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static byte[]? Bytes(JsonElement element, string name)
    {
        var text = Text(element, name);
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        var buffer = new byte[Base64Url.GetMaxDecodedLength(text.Length)];
        return Base64Url.TryDecodeFromChars(text, buffer, out var written) ? buffer[..written] : null;
    }

    private static KeyVaultRequestException Malformed(string name, string what) =>
        new(200, null, $"Key Vault answered key '{name}' with {what}");
}
