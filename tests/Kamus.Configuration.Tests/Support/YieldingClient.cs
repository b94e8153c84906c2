using Kamus.Client;
using Kamus.Configuration.Testing;

namespace Kamus.Configuration.Tests.Support;

/// <summary>A client that really awaits, capturing whatever SynchronizationContext it is called under (no ConfigureAwait).</summary>
public sealed class YieldingClient(InMemoryKamusClient inner) : IKamusClient
{
    public Task<string> EncryptAsync(string data, string serviceAccount, string @namespace, CancellationToken cancellationToken = default) =>
        inner.EncryptAsync(data, serviceAccount, @namespace, cancellationToken);

    public Task<IReadOnlyDictionary<string, string>> EncryptManyAsync(string serviceAccount, string @namespace, IReadOnlyDictionary<string, string> items, CancellationToken cancellationToken = default) =>
        inner.EncryptManyAsync(serviceAccount, @namespace, items, cancellationToken);

    public async Task<string> DecryptAsync(string ciphertext, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        return await inner.DecryptAsync(ciphertext, cancellationToken);
    }

    public async Task<IReadOnlyList<DecryptOutcome>> DecryptManyAsync(IReadOnlyList<string> ciphertexts, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        await Task.Delay(10, cancellationToken);
        return await inner.DecryptManyAsync(ciphertexts, cancellationToken);
    }
}
