using System.Globalization;
using Kamus.Wire.Formats;
using Kamus.Wire.Identity;

namespace Kamus.KeyManagement.Ciphertexts;

/// <summary>
/// Re-encrypts values of one service account under the current key and provider, entirely in process: each value is
/// decrypted as that account (a value of another account, or an altered one, keeps its refusal), and every value that
/// opened is encrypted again under one fresh data key, wrapped once. Only ciphertexts come out. This is how a key id is
/// rotated and how values move from one provider (upstream's AES key, a KMS) to another.
/// </summary>
internal sealed class CiphertextRewrapper(CiphertextService ciphertexts)
{
    /// <summary>One outcome per item, in order.</summary>
    /// <exception cref="MasterKeyUnavailableException">A key backend failed; nothing was re-encrypted.</exception>
    public async ValueTask<RewrapItemResult[]> RewrapAsync(ServiceAccountIdentity identity, IReadOnlyList<string?> items, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        var outcomes = new RewrapItemResult[items.Count];
        var opened = new Dictionary<string, string>(StringComparer.Ordinal);
        var contexts = new Dictionary<string, string>(StringComparer.Ordinal);
        using (var scope = new DataKeyScope())
        {
            for (var i = 0; i < items.Count; i++)
            {
                // A bare wrapped key decrypts to its data key, which is not a value: re-encrypting it would make one.
                var readable = CiphertextParser.TryParse(items[i], out var parsed, out _);
                if (readable && parsed!.Format == CiphertextFormat.V2WrappedKey)
                {
                    outcomes[i] = new RewrapItemResult(null, DecryptResult.Invalid("a wrapped data key is not a value"));
                    continue;
                }

                var result = await ciphertexts.DecryptAsync(identity, items[i], scope, cancellationToken).ConfigureAwait(false);
                if (result.Succeeded)
                {
                    var name = i.ToString(CultureInfo.InvariantCulture);
                    opened[name] = result.Plaintext!;

                    // A bound value stays bound to the same context: rewrapping must never unbind it.
                    if (parsed?.Context is { } context)
                    {
                        contexts[name] = context;
                    }
                }
                else
                {
                    outcomes[i] = new RewrapItemResult(null, result);
                }
            }
        }

        if (opened.Count > 0)
        {
            foreach (var (index, ciphertext) in await ciphertexts.EncryptManyAsync(identity, opened, contexts, cancellationToken).ConfigureAwait(false))
            {
                outcomes[int.Parse(index, CultureInfo.InvariantCulture)] = new RewrapItemResult(ciphertext, default);
            }
        }

        return outcomes;
    }
}
