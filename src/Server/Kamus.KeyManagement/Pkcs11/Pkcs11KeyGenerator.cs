using Kamus.Wire.Formats;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Kamus.KeyManagement.Pkcs11;

/// <summary>Generates a master key inside the token: AES-256, sensitive, never extractable, a token object.</summary>
internal static class Pkcs11KeyGenerator
{
    /// <summary>The attributes of a generated master key (besides its label and id), for the docs and the tests.</summary>
    public static IReadOnlyList<(CKA Attribute, bool Value)> Flags { get; } =
    [
        (CKA.CKA_TOKEN, true),
        (CKA.CKA_PRIVATE, true),
        (CKA.CKA_SENSITIVE, true),
        (CKA.CKA_EXTRACTABLE, false),
        (CKA.CKA_ENCRYPT, true),
        (CKA.CKA_DECRYPT, true),
        (CKA.CKA_WRAP, false),
        (CKA.CKA_UNWRAP, false),
        (CKA.CKA_SIGN, false),
        (CKA.CKA_VERIFY, false),
        (CKA.CKA_DERIVE, false),
    ];

    /// <summary>Generates the key <paramref name="label"/> in <paramref name="token"/>.</summary>
    /// <exception cref="KamusSettingsException">The label is not a key id or is taken, or the token refused.</exception>
    public static void Generate(Pkcs11Token token, string label)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (!V2Layout.IsValidKeyId(label))
        {
            throw new KamusSettingsException($"The key label '{label}' is not a key id (1 to 32 of [A-Za-z0-9_-]).");
        }

        using var session = token.OpenSession(readWrite: true);
        var factory = session.Factories.ObjectAttributeFactory;
        var existing = session.FindAllObjects([factory.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY), factory.Create(CKA.CKA_LABEL, label)]);
        if (existing.Count > 0)
        {
            throw new KamusSettingsException($"Token '{token.Label}' already holds a key labelled '{label}'; labels are key ids and must be unique.");
        }

        List<IObjectAttribute> template =
        [
            factory.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY),
            factory.Create(CKA.CKA_KEY_TYPE, CKK.CKK_AES),
            factory.Create(CKA.CKA_VALUE_LEN, 32UL),
            factory.Create(CKA.CKA_LABEL, label),
            factory.Create(CKA.CKA_ID, System.Text.Encoding.ASCII.GetBytes(label)),
        ];
        template.AddRange(Flags.Select(flag => factory.Create(flag.Attribute, flag.Value)));
        using var mechanism = session.Factories.MechanismFactory.Create(CKM.CKM_AES_KEY_GEN);
        try
        {
            session.GenerateKey(mechanism, template);
        }
        catch (Pkcs11Exception e)
        {
            throw new KamusSettingsException($"Token '{token.Label}' refused to generate the AES-256 key '{label}' with CKM_AES_KEY_GEN ({e.RV}).", e);
        }
    }
}
