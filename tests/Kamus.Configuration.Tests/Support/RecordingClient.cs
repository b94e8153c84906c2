using Kamus.Client;

namespace Kamus.Configuration.Tests.Support;

/// <summary>Wraps a client and records what each DecryptManyAsync call asked for (ciphertexts only, in tests).</summary>
public sealed class RecordingClient(IKamusClient inner) : IKamusClient, IDisposable
{
    private readonly List<IReadOnlyList<string>> _batches = [];

    public IReadOnlyList<IReadOnlyList<string>> Batches
    {
        get
        {
            lock (_batches)
            {
                return [.. _batches];
            }
        }
    }

    public bool Disposed { get; private set; }

    public Task<string> EncryptAsync(string data, string serviceAccount, string @namespace, CancellationToken cancellationToken = default) =>
        inner.EncryptAsync(data, serviceAccount, @namespace, cancellationToken);

    public Task<IReadOnlyDictionary<string, string>> EncryptManyAsync(string serviceAccount, string @namespace, IReadOnlyDictionary<string, string> items, CancellationToken cancellationToken = default) =>
        inner.EncryptManyAsync(serviceAccount, @namespace, items, cancellationToken);

    public Task<string> DecryptAsync(string ciphertext, CancellationToken cancellationToken = default) => inner.DecryptAsync(ciphertext, cancellationToken);

    public Task<IReadOnlyList<DecryptOutcome>> DecryptManyAsync(IReadOnlyList<string> ciphertexts, CancellationToken cancellationToken = default)
    {
        lock (_batches)
        {
            _batches.Add([.. ciphertexts]);
        }

        return inner.DecryptManyAsync(ciphertexts, cancellationToken);
    }

    public void Dispose() => Disposed = true;
}
