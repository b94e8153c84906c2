using Kamus.Wire.Crypto;
using Kamus.Wire.Formats;

namespace Kamus.KeyManagement.Ciphertexts;

/// <summary>
/// The data keys unwrapped while serving one request: each distinct wrapped key is unwrapped once, and every key is
/// zeroed when the request ends. Keys are held by envelope format and wrapped key: a key unwrapped for a v2 (GCM)
/// envelope is never used for an upstream (CBC) payload that names the same text, nor the reverse.
/// </summary>
internal sealed class DataKeyScope : IDisposable
{
    private Dictionary<(CiphertextFormat, string), (DataKey? Key, DecryptResult Failure)>? _keys;

    internal bool TryGet(CiphertextFormat format, string wrappedKey, out DataKey? key, out DecryptResult failure)
    {
        if (_keys is not null && _keys.TryGetValue((format, wrappedKey), out var entry))
        {
            (key, failure) = entry;
            return true;
        }

        key = null;
        failure = default;
        return false;
    }

    internal void Add(CiphertextFormat format, string wrappedKey, DataKey? key, DecryptResult failure) =>
        (_keys ??= [])[(format, wrappedKey)] = (key, failure);

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
