using Kamus.Wire.Formats;

namespace Kamus.Wire.Protocol;

/// <summary>
/// Checks what an encryptor answered before anything writes it anywhere: a broken or hostile server answering the
/// plaintext itself (or anything that is not a ciphertext) must not end up committed to git as if encrypted.
/// </summary>
internal static class EncryptAnswer
{
    /// <summary>
    /// Why <paramref name="answer"/> is not an acceptable encryption of <paramref name="plaintext"/>, or
    /// <see langword="null"/> when it is. The reason quotes neither text.
    /// </summary>
    /// <param name="plaintext">What was sent.</param>
    /// <param name="answer">What came back.</param>
    /// <param name="context">The context the value was to be bound to, if any: the answer must be bound to exactly it (and to none otherwise).</param>
    public static string? Problem(string plaintext, string? answer, string? context = null)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        if (string.IsNullOrWhiteSpace(answer))
        {
            return "the answer is empty";
        }

        if (string.Equals(answer, plaintext, StringComparison.Ordinal) || answer.AsSpan().Trim().SequenceEqual(plaintext.AsSpan().Trim()))
        {
            return "the answer is the plaintext itself";
        }

        if (!CiphertextParser.TryParse(answer, out var parsed, out var reason))
        {
            return $"the answer is not a Kamus ciphertext ({reason})";
        }

        if (parsed.Format == CiphertextFormat.V2WrappedKey)
        {
            return "the answer is a bare data key, not an encrypted value";
        }

        if (!string.Equals(parsed.Context, context, StringComparison.Ordinal))
        {
            return context is null
                ? "the answer is bound to a context that was not asked for"
                : "the answer is not bound to its context: the server predates contexts or writes the upstream formats";
        }

        return null;
    }
}
