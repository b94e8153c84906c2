using Kamus.Wire.Protocol;

namespace Kamus.KeyManagement.Ciphertexts;

/// <summary>One value's decryption: the plaintext, or an error kind and a short reason (never any of the value).</summary>
internal readonly record struct DecryptResult(string? Plaintext, WireErrorKind Error, string? Reason)
{
    /// <summary>Whether it succeeded.</summary>
    public bool Succeeded => Plaintext is not null;

    /// <summary>A success.</summary>
    public static DecryptResult Success(string plaintext) => new(plaintext, 0, null);

    /// <summary>Not a readable ciphertext (malformed, altered payload, unknown key id).</summary>
    public static DecryptResult Invalid(string reason) => new(null, WireErrorKind.InvalidCiphertext, reason);

    /// <summary>Not decryptable by this service account (bound to another, or altered: the two cannot be told apart).</summary>
    public static DecryptResult Forbidden { get; } = new(null, WireErrorKind.Forbidden, "not decryptable by this service account");

    /// <summary>Refused for a stated reason (for example a value bound to another context).</summary>
    public static DecryptResult Refused(string reason) => new(null, WireErrorKind.Forbidden, reason);

    /// <summary>Redacted.</summary>
    public override string ToString() => Succeeded ? "DecryptResult(ok)" : $"DecryptResult({Error}: {Reason})";
}
