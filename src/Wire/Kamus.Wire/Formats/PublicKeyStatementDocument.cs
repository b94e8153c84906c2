using System.Text.Json.Serialization;

namespace Kamus.Wire.Formats;

/// <summary>The JSON shape of a key statement (see <see cref="PublicKeyStatement"/> and <c>docs/formats.md</c>).</summary>
internal sealed class PublicKeyStatementDocument
{
    /// <summary>Always <see cref="PublicKeyStatement.KindName"/>.</summary>
    [JsonPropertyName("kind")]
    public string? Kind { get; set; }

    /// <summary>Always <see cref="PublicKeyStatement.CurrentVersion"/>.</summary>
    [JsonPropertyName("version")]
    public int Version { get; set; }

    /// <summary>The HPKE suite, <c>kem-kdf-aead</c> in hex.</summary>
    [JsonPropertyName("suite")]
    public string? Suite { get; set; }

    /// <summary>The service account's namespace.</summary>
    [JsonPropertyName("namespace")]
    public string? Namespace { get; set; }

    /// <summary>The service account.</summary>
    [JsonPropertyName("serviceAccount")]
    public string? ServiceAccount { get; set; }

    /// <summary>The key epoch.</summary>
    [JsonPropertyName("epoch")]
    public int Epoch { get; set; }

    /// <summary>The public-key id.</summary>
    [JsonPropertyName("keyId")]
    public string? KeyId { get; set; }

    /// <summary>b64url of the 65-byte public key.</summary>
    [JsonPropertyName("publicKey")]
    public string? PublicKey { get; set; }

    /// <summary>UTC, <c>yyyy-MM-ddTHH:mm:ssZ</c>.</summary>
    [JsonPropertyName("notAfter")]
    public string? NotAfter { get; set; }

    /// <summary>b64url of the signing key's SubjectPublicKeyInfo.</summary>
    [JsonPropertyName("signer")]
    public string? Signer { get; set; }

    /// <summary>b64url of the ECDSA P-256 SHA-256 signature (r || s).</summary>
    [JsonPropertyName("signature")]
    public string? Signature { get; set; }
}

/// <summary>System.Text.Json source generation for key statements (trimming- and AOT-safe), indented for readable diffs.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(PublicKeyStatementDocument))]
internal sealed partial class PublicKeyStatementJsonContext : JsonSerializerContext;
