using Kamus.Wire.Crypto;

namespace Kamus.KeyManagement.Ciphertexts;

/// <summary>
/// The data keys unwrapped while serving one request: each distinct wrapped key is unwrapped once, and every key is
/// zeroed when the request ends.
/// </summary>
internal sealed class DataKeyScope : IDisposable
{
    private Dictionary<string, (DataKey? Key, DecryptResult Failure)>? _keys;

    internal bool TryGet(string wrappedKey, out DataKey? key, out DecryptResult failure)
    {
        if (_keys is not null && _keys.TryGetValue(wrappedKey, out var entry))
        {
            (key, failure) = entry;
            return true;
        }

        key = null;
        failure = default;
        return false;
    }

    internal void Add(string wrappedKey, DataKey? key, DecryptResult failure) =>
        (_keys ??= new Dictionary<string, (DataKey?, DecryptResult)>(StringComparer.Ordinal))[wrappedKey] = (key, failure);

    /// <summary>Zeroes every data key.</summary>
    public void Dispose()
    {
        if (_keys is null)
        {
            return;
        }

        foreach (var (key, _) in _keys.Values)
        {
            key?.Dispose();
        }

        _keys = null;
    }
}
