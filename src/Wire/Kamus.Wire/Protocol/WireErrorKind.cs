namespace Kamus.Wire.Protocol;

/// <summary>
/// The per-item error names the batch endpoints write (<c>{"error":"Forbidden"}</c>). This is the protocol; the client
/// maps it onto its own public <c>KamusErrorKind</c>, so either side can evolve its types without breaking the other.
/// </summary>
/// <remarks>Names are the wire values: never rename a member. Zero is not a kind, so a default value is never an error.</remarks>
internal enum WireErrorKind
{
    /// <summary>The caller's service account may not decrypt the value (another account's, or altered: indistinguishable).</summary>
    Forbidden = 1,

    /// <summary>The value is not a readable Kamus ciphertext (malformed, unknown key id).</summary>
    InvalidCiphertext,

    /// <summary>The master key backend (HSM, cloud KMS) could not be reached for this item.</summary>
    Unavailable,
}

/// <summary>Reads and writes <see cref="WireErrorKind"/> names without reflection (trimming- and AOT-safe).</summary>
internal static class WireErrorKinds
{
    /// <summary>The wire name of <paramref name="kind"/>.</summary>
    public static string Name(WireErrorKind kind) => kind switch
    {
        WireErrorKind.Forbidden => nameof(WireErrorKind.Forbidden),
        WireErrorKind.InvalidCiphertext => nameof(WireErrorKind.InvalidCiphertext),
        WireErrorKind.Unavailable => nameof(WireErrorKind.Unavailable),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>Parses a wire name; unknown names (from a newer server) are not parsed.</summary>
    public static bool TryParse(string? name, out WireErrorKind kind)
    {
        kind = name switch
        {
            nameof(WireErrorKind.Forbidden) => WireErrorKind.Forbidden,
            nameof(WireErrorKind.InvalidCiphertext) => WireErrorKind.InvalidCiphertext,
            nameof(WireErrorKind.Unavailable) => WireErrorKind.Unavailable,
            _ => 0,
        };
        return kind != 0;
    }
}
