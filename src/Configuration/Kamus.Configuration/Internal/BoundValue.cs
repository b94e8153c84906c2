using Kamus.Client;
using Kamus.Wire.Formats;

namespace Kamus.Configuration.Internal;

/// <summary>
/// Key swapping: a v2 value bound to a context (<c>kamus encrypt-json</c> binds each value to its configuration key) is
/// served only under the key it names. The context is in the value's text and authenticated with it, so this check is
/// local and needs no server; unbound values (every upstream value) are served wherever they are.
/// </summary>
internal static class BoundValue
{
    /// <summary>The failure of <paramref name="ciphertext"/> read at <paramref name="key"/>, or null when it may be read there.</summary>
    public static KamusDecryptionFailure? Misplaced(string key, string ciphertext)
    {
        // Most values cannot be bound: they cost neither the expected context's string nor a parse (a cold-start cost).
        if (!CiphertextContext.MayBeBound(ciphertext))
        {
            return null;
        }

        var expected = CiphertextContext.ForConfigurationKey(key);
        if (CiphertextContext.BoundElsewhere(ciphertext, expected) is not { } bound)
        {
            return null;
        }

        var reason = $"the value is bound to {bound}, not to {expected}: it was moved or copied from another key; encrypt it for this key (kamus encrypt-json binds each value to its key)";
        var outcome = DecryptOutcome.Failed(ciphertext, KamusErrorKind.InvalidCiphertext, reason);
        return new KamusDecryptionFailure(key, KamusErrorKind.InvalidCiphertext, outcome.Fingerprint, reason);
    }
}
