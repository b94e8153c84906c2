using Kamus.Wire.Formats;

namespace Kamus.Client;

/// <summary>The result of re-encrypting one item of <see cref="IKamusClient.RewrapManyAsync"/>: the new ciphertext or a typed failure.</summary>
public sealed class RewrapOutcome
{
    private readonly string? _ciphertext;

    private RewrapOutcome(string original, string? ciphertext, KamusException? error)
    {
        Fingerprint = CiphertextFingerprint.Of(original);
        _ciphertext = ciphertext;
        Error = error;
    }

    /// <summary>A value re-encrypted as <paramref name="ciphertext"/>.</summary>
    /// <param name="original">The value that was sent (kept only as its <see cref="Fingerprint"/>).</param>
    /// <param name="ciphertext">The new ciphertext.</param>
    public static RewrapOutcome Success(string original, string ciphertext) =>
        new(original, ciphertext ?? throw new ArgumentNullException(nameof(ciphertext)), null);

    /// <summary>A value the server refused to re-encrypt.</summary>
    /// <param name="original">The value that was sent (kept only as its <see cref="Fingerprint"/>).</param>
    /// <param name="error">Why; thrown by <see cref="Ciphertext"/>.</param>
    public static RewrapOutcome Failure(string original, KamusException error) =>
        new(original, null, error ?? throw new ArgumentNullException(nameof(error)));

    /// <summary>The fingerprint of the value that was sent (first 8 hex digits of its SHA-256).</summary>
    public string Fingerprint { get; }

    /// <summary>Whether the value was re-encrypted.</summary>
    public bool Succeeded => Error is null;

    /// <summary>The failure, when there was one: <see cref="KamusErrorKind.Forbidden"/> (not this service account's value) or <see cref="KamusErrorKind.InvalidCiphertext"/>.</summary>
    public KamusException? Error { get; }

    /// <summary>The new ciphertext.</summary>
    /// <exception cref="KamusException">The value was refused: this is <see cref="Error"/>.</exception>
    public string Ciphertext => _ciphertext ?? throw Error!;

    /// <summary>Names the fingerprint and the outcome.</summary>
    public override string ToString() => Succeeded ? $"{Fingerprint}: ok" : $"{Fingerprint}: {Error!.Kind}";
}
