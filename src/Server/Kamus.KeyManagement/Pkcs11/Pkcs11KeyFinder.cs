using Kamus.Wire.Formats;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using ISession = Net.Pkcs11Interop.HighLevelAPI.ISession;

namespace Kamus.KeyManagement.Pkcs11;

/// <summary>The master keys found in the token, by key id, and what is worth a warning about them.</summary>
internal sealed record Pkcs11Keys(Dictionary<string, IObjectHandle> Handles, IReadOnlyList<string> Warnings);

/// <summary>
/// Finds the token's AES secret keys by label (the v2 key id): at start, and again when the module says the cached
/// handles are no longer valid. Only 256-bit keys that are sensitive and not extractable are used; a key that once was
/// readable (imported, or made extractable and changed since) or that may also wrap, unwrap or derive is used with a warning.
/// </summary>
internal static class Pkcs11KeyFinder
{
    private static readonly CKA[] Attributes =
    [
        CKA.CKA_LABEL, CKA.CKA_ENCRYPT, CKA.CKA_DECRYPT, CKA.CKA_VALUE_LEN, CKA.CKA_SENSITIVE, CKA.CKA_EXTRACTABLE,
        CKA.CKA_ALWAYS_SENSITIVE, CKA.CKA_NEVER_EXTRACTABLE, CKA.CKA_WRAP, CKA.CKA_UNWRAP, CKA.CKA_DERIVE,
    ];

    /// <summary>
    /// The keys: <paramref name="labels"/> and the current one, or (no labels given) every usable AES secret key whose
    /// label is a key id; unusable ones found that way are skipped with a warning.
    /// </summary>
    /// <exception cref="KamusSettingsException">A named key is missing, doubled, or not usable (size, sensitivity, extractability, encrypt and decrypt).</exception>
    public static Pkcs11Keys FindKeys(ISession session, string tokenLabel, string currentLabel, ICollection<string> labels)
    {
        var attributes = session.Factories.ObjectAttributeFactory;
        var objects = session.FindAllObjects(
        [
            attributes.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY),
            attributes.Create(CKA.CKA_KEY_TYPE, CKK.CKK_AES),
        ]);

        var found = new Dictionary<string, (IObjectHandle Handle, string? Problem, List<string> Cautions)>(StringComparer.Ordinal);
        foreach (var handle in objects)
        {
            var values = session.GetAttributeValue(handle, [.. Attributes]);
            var label = values[0].CannotBeRead ? null : values[0].GetValueAsString();
            if (label is null || !V2Layout.IsValidKeyId(label))
            {
                continue;
            }

            if (!found.TryAdd(label, (handle, Problem(values), Cautions(values))))
            {
                throw new KamusSettingsException($"Token '{tokenLabel}' holds more than one AES key labelled '{label}'; a key id must name one key.");
            }
        }

        var named = labels.Count > 0;
        var wanted = named ? labels.ToHashSet(StringComparer.Ordinal) : found.Keys.ToHashSet(StringComparer.Ordinal);
        wanted.Add(currentLabel);
        var keys = new Dictionary<string, IObjectHandle>(StringComparer.Ordinal);
        var warnings = new List<string>();
        foreach (var label in wanted.Order(StringComparer.Ordinal))
        {
            if (!found.TryGetValue(label, out var key))
            {
                var setting = label == currentLabel ? "KeyManagement:Pkcs11:CurrentKeyLabel" : "KeyManagement:Pkcs11:KeyLabels";
                var present = found.Count == 0 ? "none" : string.Join(", ", found.Keys.Order(StringComparer.Ordinal));
                throw new KamusSettingsException($"{setting}: token '{tokenLabel}' has no AES secret key labelled '{label}' (AES keys with key-id labels: {present}).");
            }

            if (key.Problem is { } problem)
            {
                if (named || label == currentLabel)
                {
                    throw new KamusSettingsException($"The key labelled '{label}' in token '{tokenLabel}' cannot be a master key: {problem}.");
                }

                warnings.Add($"the key labelled '{label}' in token '{tokenLabel}' is not used: {problem}");
                continue;
            }

            warnings.AddRange(key.Cautions.Select(caution => $"the key labelled '{label}' in token '{tokenLabel}' {caution}"));
            keys[label] = key.Handle;
        }

        return new Pkcs11Keys(keys, warnings);
    }

    // What makes a key unusable as a master key; null when it is usable.
    private static string? Problem(List<IObjectAttribute> values)
    {
        if (values[3].CannotBeRead || values[3].GetValueAsUlong() != 32)
        {
            return "it is not a 256-bit AES key (CKA_VALUE_LEN must be 32)";
        }

        if (values[4].CannotBeRead || !values[4].GetValueAsBool() || values[5].CannotBeRead || values[5].GetValueAsBool())
        {
            return "its value can leave the token (CKA_SENSITIVE must be true and CKA_EXTRACTABLE false)";
        }

        if (!values[1].GetValueAsBool() || !values[2].GetValueAsBool())
        {
            return "it does not allow both encryption and decryption (CKA_ENCRYPT and CKA_DECRYPT must be true)";
        }

        return null;
    }

    // Usable, but worth a warning.
    private static List<string> Cautions(List<IObjectAttribute> values)
    {
        var cautions = new List<string>();
        if (IsFalse(values[6]) || IsFalse(values[7]))
        {
            cautions.Add("was readable once (CKA_ALWAYS_SENSITIVE or CKA_NEVER_EXTRACTABLE is false: imported, or extractable before): copies may exist outside the token");
        }

        if (IsTrue(values[8]) || IsTrue(values[9]) || IsTrue(values[10]))
        {
            cautions.Add("may also wrap, unwrap or derive keys (CKA_WRAP, CKA_UNWRAP or CKA_DERIVE is true): a master key only needs encrypt and decrypt");
        }

        return cautions;
    }

    private static bool IsTrue(IObjectAttribute value) => !value.CannotBeRead && value.GetValueAsBool();

    private static bool IsFalse(IObjectAttribute value) => !value.CannotBeRead && !value.GetValueAsBool();
}
