using System.Net;
using Kamus.Wire.Formats;

namespace Kamus.Client;

/// <summary>The result of decrypting one item of <see cref="IKamusClient.DecryptManyAsync"/>: a plaintext or a typed failure.</summary>
public sealed class DecryptOutcome
{
    private readonly string? _plaintext;
    private readonly string? _ciphertext;
    private string? _fingerprint;

    private DecryptOutcome(string? ciphertext, string? plaintext, KamusException? error)
    {
        _ciphertext = ciphertext;
        _plaintext = plaintext;
        Error = error;
    }

    /// <summary>A successful decryption (for example from an <see cref="IKamusClient"/> test double).</summary>
    /// <param name="ciphertext">The value that was decrypted (kept only to compute <see cref="Fingerprint"/>).</param>
    /// <param name="plaintext">Its plaintext (never printed by <see cref="ToString"/>).</param>
    public static DecryptOutcome Success(string ciphertext, string plaintext) =>
        new(ciphertext, plaintext ?? throw new ArgumentNullException(nameof(plaintext)), null);

    /// <summary>A failed decryption.</summary>
    /// <param name="ciphertext">The value that could not be decrypted (kept only to compute <see cref="Fingerprint"/>).</param>
    /// <param name="error">Why; thrown by <see cref="Plaintext"/>.</param>
    public static DecryptOutcome Failure(string ciphertext, KamusException error) =>
        new(ciphertext, null, error ?? throw new ArgumentNullException(nameof(error)));

    /// <summary>A failure of <paramref name="ciphertext"/>: its fingerprint is computed here, once, for the outcome and the message.</summary>
    internal static DecryptOutcome Failed(string ciphertext, KamusErrorKind kind, string reason, HttpStatusCode? status = null, Exception? innerException = null)
    {
        var fingerprint = CiphertextFingerprint.Of(ciphertext);
        return new(ciphertext, null, new KamusException(kind, fingerprint, reason, status, innerException)) { _fingerprint = fingerprint };
    }

    /// <summary>A failure of <paramref name="ciphertext"/> caused by <paramref name="cause"/> (a whole call's, or another item's): wrapped once.</summary>
    internal static DecryptOutcome FailedBy(string ciphertext, KamusException cause) =>
        Failed(ciphertext, cause.Kind, cause.Reason, cause.Status, cause);

    /// <summary>The fingerprint of the ciphertext (first 8 hex digits of its SHA-256).</summary>
    /// <remarks>Computed on first use: a startup decrypting thousands of values rarely needs the fingerprints of the successes.</remarks>
    public string Fingerprint => _fingerprint ??= CiphertextFingerprint.Of(_ciphertext);

    /// <summary>Whether decryption succeeded.</summary>
    public bool Succeeded => Error is null;

    /// <summary>The failure, when there was one.</summary>
    public KamusException? Error { get; }

    /// <summary>The failure kind, when there was one.</summary>
    public KamusErrorKind? ErrorKind => Error?.Kind;

    /// <summary>The plaintext.</summary>
    /// <exception cref="KamusException">Decryption failed: this is <see cref="Error"/>.</exception>
    public string Plaintext => _plaintext ?? throw Error!;

    /// <summary>Names the fingerprint and the outcome, never the plaintext.</summary>
    public override string ToString() => Succeeded ? $"{Fingerprint}: ok" : $"{Fingerprint}: {Error!.Kind}";
}
