using System.Text.Json;
using System.Text.Json.Serialization;

namespace Kamus.Wire.Protocol;

/// <summary>Body of <c>POST /api/v1/encrypt</c> (upstream wire format).</summary>
internal sealed class EncryptRequest
{
    /// <summary>The plaintext.</summary>
    [JsonPropertyName("data")]
    public string? Data { get; set; }

    /// <summary>The service account the value is bound to.</summary>
    [JsonPropertyName("service-account")]
    public string? ServiceAccount { get; set; }

    /// <summary>The service account's namespace.</summary>
    [JsonPropertyName("namespace")]
    public string? Namespace { get; set; }

    /// <summary>Redacted: never shows the data.</summary>
    public override string ToString() => $"EncryptRequest({Namespace}:{ServiceAccount})";
}

/// <summary>Body of <c>POST /api/v1/decrypt</c> (upstream wire format).</summary>
internal sealed class DecryptRequest
{
    /// <summary>The ciphertext.</summary>
    [JsonPropertyName("data")]
    public string? Data { get; set; }
}

/// <summary>Body of <c>POST /api/v2/encrypt</c>: many values for one service account, sharing one envelope data key.</summary>
internal sealed class BatchEncryptRequest
{
    /// <summary>The service account the values are bound to.</summary>
    [JsonPropertyName("service-account")]
    public string? ServiceAccount { get; set; }

    /// <summary>The service account's namespace.</summary>
    [JsonPropertyName("namespace")]
    public string? Namespace { get; set; }

    /// <summary>Name → plaintext. Names are the caller's own labels (for example configuration keys).</summary>
    [JsonPropertyName("items")]
    public Dictionary<string, string>? Items { get; set; }

    /// <summary>
    /// Optional: item name → the context its value is bound to (<c>Kamus.Wire.Formats.CiphertextContext</c>, for example
    /// <c>kamussecret:ns/name/key</c>). Items not named are unbound. A server that predates binding ignores the field, so
    /// a client checks the context of each answer.
    /// </summary>
    [JsonPropertyName("contexts")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, string>? Contexts { get; set; }

    /// <summary>Redacted: never shows the data.</summary>
    public override string ToString() => $"BatchEncryptRequest({Namespace}:{ServiceAccount}, {Items?.Count ?? 0} items, {Contexts?.Count ?? 0} bound)";
}

/// <summary>Answer of <c>POST /api/v2/encrypt</c>.</summary>
internal sealed class BatchEncryptResponse
{
    /// <summary>Name → ciphertext, for every requested name.</summary>
    [JsonPropertyName("items")]
    public Dictionary<string, string>? Items { get; set; }
}

/// <summary>Body of <c>POST /api/v2/decrypt</c>: many ciphertexts, one token review.</summary>
internal sealed class BatchDecryptRequest
{
    /// <summary>The ciphertexts.</summary>
    [JsonPropertyName("items")]
    public List<string>? Items { get; set; }
}

/// <summary>Answer of <c>POST /api/v2/decrypt</c>: one result per requested item, in order.</summary>
internal sealed class BatchDecryptResponse
{
    /// <summary>The results, in the order of the request.</summary>
    [JsonPropertyName("items")]
    public List<BatchDecryptResult>? Items { get; set; }
}

/// <summary>One item's result: the plaintext, or an error kind (a <see cref="WireErrorKind"/> name).</summary>
internal sealed class BatchDecryptResult
{
    /// <summary>The plaintext, when decryption succeeded.</summary>
    [JsonPropertyName("plaintext")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Plaintext { get; set; }

    /// <summary>The error kind, when it failed: <c>Forbidden</c>, <c>InvalidCiphertext</c>, ...</summary>
    [JsonPropertyName("error")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Error { get; set; }

    /// <summary>Redacted: never shows the plaintext.</summary>
    public override string ToString() => Error is null ? "BatchDecryptResult(ok)" : $"BatchDecryptResult({Error})";
}

/// <summary>
/// Body of <c>POST /api/v2/rewrap</c>: ciphertexts of one service account, to be re-encrypted under the server's
/// current key and provider. The caller's bearer token must be that service account's.
/// </summary>
internal sealed class RewrapRequest
{
    /// <summary>The service account the values belong to (and the new values will).</summary>
    [JsonPropertyName("service-account")]
    public string? ServiceAccount { get; set; }

    /// <summary>The service account's namespace.</summary>
    [JsonPropertyName("namespace")]
    public string? Namespace { get; set; }

    /// <summary>The ciphertexts, in any format the server reads.</summary>
    [JsonPropertyName("items")]
    public List<string>? Items { get; set; }

    /// <summary>Names the identity and the count only.</summary>
    public override string ToString() => $"RewrapRequest({Namespace}:{ServiceAccount}, {Items?.Count ?? 0} items)";
}

/// <summary>Answer of <c>POST /api/v2/rewrap</c>: one result per requested item, in order.</summary>
internal sealed class RewrapResponse
{
    /// <summary>The results, in the order of the request.</summary>
    [JsonPropertyName("items")]
    public List<RewrapResult>? Items { get; set; }
}

/// <summary>One item's result: the new ciphertext, or an error kind (a <see cref="WireErrorKind"/> name).</summary>
internal sealed class RewrapResult
{
    /// <summary>The new ciphertext, when the value was re-encrypted.</summary>
    [JsonPropertyName("data")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Data { get; set; }

    /// <summary>The error kind, when it was refused: <c>Forbidden</c> (not this account's) or <c>InvalidCiphertext</c>.</summary>
    [JsonPropertyName("error")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Error { get; set; }
}

/// <summary>System.Text.Json source generation for the wire contracts (trimming- and AOT-safe).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(EncryptRequest))]
[JsonSerializable(typeof(DecryptRequest))]
[JsonSerializable(typeof(BatchEncryptRequest))]
[JsonSerializable(typeof(BatchEncryptResponse))]
[JsonSerializable(typeof(BatchDecryptRequest))]
[JsonSerializable(typeof(BatchDecryptResponse))]
[JsonSerializable(typeof(RewrapRequest))]
[JsonSerializable(typeof(RewrapResponse))]
[JsonSerializable(typeof(string))]
internal partial class KamusProtocolJsonContext : JsonSerializerContext;
