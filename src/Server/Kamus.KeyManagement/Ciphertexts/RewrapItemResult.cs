namespace Kamus.KeyManagement.Ciphertexts;

/// <summary>One value's re-encryption: the new ciphertext, or why the old one was refused (never any of the value).</summary>
internal readonly record struct RewrapItemResult(string? Ciphertext, DecryptResult Failure)
{
    /// <summary>Whether the value was re-encrypted.</summary>
    public bool Succeeded => Ciphertext is not null;

    /// <summary>Redacted.</summary>
    public override string ToString() => Succeeded ? "RewrapItemResult(ok)" : $"RewrapItemResult({Failure.Error}: {Failure.Reason})";
}
