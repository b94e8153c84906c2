using Kamus.Wire.Formats;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using ISession = Net.Pkcs11Interop.HighLevelAPI.ISession;

namespace Kamus.KeyManagement.Pkcs11;

/// <summary>Finds the token's AES secret keys by label (the v2 key id). Runs once at start; handles are then reused.</summary>
internal static class Pkcs11KeyFinder
{
    /// <summary>
    /// The keys: <paramref name="labels"/> and the current one, or (no labels given) every AES secret key whose label is
    /// a key id.
    /// </summary>
    /// <exception cref="KamusSettingsException">A named key is missing, doubled, or cannot encrypt and decrypt.</exception>
    public static Dictionary<string, IObjectHandle> FindKeys(ISession session, string tokenLabel, string currentLabel, ICollection<string> labels)
    {
        var attributes = session.Factories.ObjectAttributeFactory;
        var objects = session.FindAllObjects(
        [
            attributes.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY),
            attributes.Create(CKA.CKA_KEY_TYPE, CKK.CKK_AES),
        ]);

        var found = new Dictionary<string, IObjectHandle>(StringComparer.Ordinal);
        var usable = new HashSet<string>(StringComparer.Ordinal);
        foreach (var handle in objects)
        {
            var values = session.GetAttributeValue(handle, [CKA.CKA_LABEL, CKA.CKA_ENCRYPT, CKA.CKA_DECRYPT]);
            var label = values[0].CannotBeRead ? null : values[0].GetValueAsString();
            if (label is null || !V2Layout.IsValidKeyId(label))
            {
                continue;
            }

            if (!found.TryAdd(label, handle))
            {
                throw new KamusSettingsException($"Token '{tokenLabel}' holds more than one AES key labelled '{label}'; a key id must name one key.");
            }

            if (values[1].GetValueAsBool() && values[2].GetValueAsBool())
            {
                usable.Add(label);
            }
        }

        var wanted = labels.Count == 0 ? found.Keys.ToHashSet(StringComparer.Ordinal) : labels.ToHashSet(StringComparer.Ordinal);
        wanted.Add(currentLabel);
        var keys = new Dictionary<string, IObjectHandle>(StringComparer.Ordinal);
        foreach (var label in wanted)
        {
            if (!found.TryGetValue(label, out var handle))
            {
                var setting = label == currentLabel ? "KeyManagement:Pkcs11:CurrentKeyLabel" : "KeyManagement:Pkcs11:KeyLabels";
                var present = found.Count == 0 ? "none" : string.Join(", ", found.Keys.Order(StringComparer.Ordinal));
                throw new KamusSettingsException($"{setting}: token '{tokenLabel}' has no AES secret key labelled '{label}' (AES keys with key-id labels: {present}).");
            }

            if (!usable.Contains(label))
            {
                throw new KamusSettingsException($"The key labelled '{label}' in token '{tokenLabel}' does not allow both encryption and decryption (CKA_ENCRYPT and CKA_DECRYPT must be true).");
            }

            keys[label] = handle;
        }

        return keys;
    }
}
