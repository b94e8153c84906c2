using System.Collections.Concurrent;
using System.Globalization;
using Kamus.Client;
using Kamus.Wire.Formats;

namespace Kamus.Configuration.Testing;

/// <summary>
/// An <see cref="IKamusClient"/> without a server, for an application's own tests of <c>AddKamus()</c>: a table of
/// ciphertext → plaintext. Not encryption: never use it outside tests.
/// </summary>
public sealed class InMemoryKamusClient : IKamusClient
{
    private readonly ConcurrentDictionary<string, string> _plaintexts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, KamusErrorKind> _refusals = new(StringComparer.Ordinal);
    private int _calls;
    private int _counter;

    /// <summary>Creates a client that knows <paramref name="plaintextByCiphertext"/> (ciphertext → plaintext).</summary>
    public InMemoryKamusClient(IReadOnlyDictionary<string, string>? plaintextByCiphertext = null)
    {
        foreach (var (ciphertext, plaintext) in plaintextByCiphertext ?? new Dictionary<string, string>())
        {
            Add(ciphertext, plaintext);
        }
    }

    /// <summary>The number of calls made to this client (each decrypt, batch or encrypt counts one).</summary>
    public int CallCount => Volatile.Read(ref _calls);

    /// <summary>Teaches the client a ciphertext and its plaintext.</summary>
    public InMemoryKamusClient Add(string ciphertext, string plaintext)
    {
        ArgumentException.ThrowIfNullOrEmpty(ciphertext);
        ArgumentNullException.ThrowIfNull(plaintext);
        _plaintexts[ciphertext] = plaintext;
        _refusals.TryRemove(ciphertext, out _);
        return this;
    }

    /// <summary>Makes decryption of <paramref name="ciphertext"/> fail with <paramref name="kind"/> (for example <see cref="KamusErrorKind.Forbidden"/>).</summary>
    public InMemoryKamusClient Refuse(string ciphertext, KamusErrorKind kind = KamusErrorKind.Forbidden)
    {
        ArgumentException.ThrowIfNullOrEmpty(ciphertext);
        _refusals[ciphertext] = kind;
        return this;
    }

    /// <summary>Returns a new opaque token (<c>mem.N</c>) and remembers its plaintext. The service account is not checked.</summary>
    public Task<string> EncryptAsync(string data, string serviceAccount, string @namespace, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        return Task.FromResult(Remember(data));
    }

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<string, string>> EncryptManyAsync(string serviceAccount, string @namespace, IReadOnlyDictionary<string, string> items, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        Interlocked.Increment(ref _calls);
        IReadOnlyDictionary<string, string> result = items.ToDictionary(item => item.Key, item => Remember(item.Value), StringComparer.Ordinal);
        return Task.FromResult(result);
    }

    /// <inheritdoc />
    public Task<string> DecryptAsync(string ciphertext, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Interlocked.Increment(ref _calls);
        return Task.FromResult(Decrypt(ciphertext).Plaintext);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<DecryptOutcome>> DecryptManyAsync(IReadOnlyList<string> ciphertexts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ciphertexts);
        cancellationToken.ThrowIfCancellationRequested();
        Interlocked.Increment(ref _calls);
        IReadOnlyList<DecryptOutcome> outcomes = ciphertexts.Select(Decrypt).ToArray();
        return Task.FromResult(outcomes);
    }

    /// <summary>Never shows the table.</summary>
    public override string ToString() => $"InMemoryKamusClient({_plaintexts.Count} entries)";

    private DecryptOutcome Decrypt(string ciphertext)
    {
        if (_refusals.TryGetValue(ciphertext, out var kind))
        {
            return DecryptOutcome.Failure(ciphertext, Error(kind, ciphertext));
        }

        return _plaintexts.TryGetValue(ciphertext, out var plaintext)
            ? DecryptOutcome.Success(ciphertext, plaintext)
            : DecryptOutcome.Failure(ciphertext, Error(KamusErrorKind.InvalidCiphertext, ciphertext));
    }

    private static KamusException Error(KamusErrorKind kind, string ciphertext) =>
        new(kind, $"The in-memory decryptor refused the value ({kind}).") { CiphertextFingerprint = CiphertextFingerprint.Of(ciphertext) };

    private string Remember(string plaintext)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        var token = "mem." + Interlocked.Increment(ref _counter).ToString(CultureInfo.InvariantCulture);
        _plaintexts[token] = plaintext;
        return token;
    }
}
