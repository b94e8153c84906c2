using System.Security.Cryptography;
using System.Text;
using Kamus.Controller.Resources;
using Kamus.KeyManagement.Ciphertexts;
using Kamus.Wire.Formats;
using Kamus.Wire.Identity;
using Kamus.Wire.Protocol;

namespace Kamus.Controller.Reconciliation;

/// <summary>
/// Decrypts every value of one KamusSecret in one batch, through the server's own <see cref="CiphertextService"/>
/// (every format it reads; each distinct envelope data key unwrapped once). A value bound to a KamusSecret key opens
/// only for that namespace, name and key; unbound values (upstream's, and older ones) open for the service account.
/// A <c>data</c> plaintext is base64 text and becomes the bytes it encodes (as upstream); a <c>stringData</c>
/// plaintext becomes its UTF-8 bytes and wins over a <c>data</c> value of the same key (as the API server does).
/// </summary>
internal sealed class KamusSecretDecryptor(CiphertextService ciphertexts)
{
    public async Task<DecryptedValues> DecryptAsync(KamusSecret owner, ServiceAccountIdentity identity, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var failures = new List<ValueFailure>();
        using var scope = new DataKeyScope();
        foreach (var (key, ciphertext) in owner.Data ?? [])
        {
            var result = await DecryptAsync(owner, key, ciphertext, identity, scope, cancellationToken).ConfigureAwait(false);
            if (!result.Succeeded)
            {
                failures.Add(new ValueFailure("data", key, result.Error, result.Reason));
            }
            else if (FromBase64(result.Plaintext!) is { } bytes)
            {
                values[key] = bytes;
            }
            else
            {
                failures.Add(new ValueFailure("data", key, WireErrorKind.InvalidCiphertext, "the decrypted value is not base64 (a data value is base64 of the bytes; put text under stringData)"));
            }
        }

        foreach (var (key, ciphertext) in owner.StringData ?? [])
        {
            var result = await DecryptAsync(owner, key, ciphertext, identity, scope, cancellationToken).ConfigureAwait(false);
            if (result.Succeeded)
            {
                if (values.TryGetValue(key, out var replaced))
                {
                    CryptographicOperations.ZeroMemory(replaced);
                }

                values[key] = Encoding.UTF8.GetBytes(result.Plaintext!);
            }
            else
            {
                failures.Add(new ValueFailure("stringData", key, result.Error, result.Reason));
            }
        }

        return new DecryptedValues(values, failures);
    }

    private ValueTask<DecryptResult> DecryptAsync(KamusSecret owner, string key, string? ciphertext, ServiceAccountIdentity identity, DataKeyScope scope, CancellationToken cancellationToken) =>
        ciphertexts.DecryptBoundAsync(identity, ciphertext, CiphertextContext.ForKamusSecret(owner.Metadata.NamespaceProperty, owner.Metadata.Name, key), scope, cancellationToken);

    private static byte[]? FromBase64(string text)
    {
        var buffer = new byte[text.Length];
        if (Convert.TryFromBase64String(text, buffer, out var written))
        {
            var bytes = buffer[..written];
            CryptographicOperations.ZeroMemory(buffer);
            return bytes;
        }

        CryptographicOperations.ZeroMemory(buffer);
        return null;
    }
}

/// <summary>One value that did not decrypt: where it is and why (never any of the value).</summary>
internal sealed record ValueFailure(string Field, string Key, WireErrorKind Error, string? Reason)
{
    public override string ToString() => $"{Field}.{Key}: {WireErrorKinds.Name(Error)} ({Reason})";
}

/// <summary>The decrypted bytes by key, and the values that failed. Dispose zeroes the bytes not handed to a <see cref="SecretPlan"/>.</summary>
internal sealed class DecryptedValues(Dictionary<string, byte[]> values, List<ValueFailure> failures) : IDisposable
{
    public IReadOnlyList<ValueFailure> Failures => failures;

    /// <summary>Hands the bytes over (the plan zeroes them from then on).</summary>
    public Dictionary<string, byte[]> Take()
    {
        var taken = new Dictionary<string, byte[]>(values, StringComparer.Ordinal);
        values.Clear();
        return taken;
    }

    public void Dispose()
    {
        foreach (var bytes in values.Values)
        {
            CryptographicOperations.ZeroMemory(bytes);
        }

        values.Clear();
    }
}
