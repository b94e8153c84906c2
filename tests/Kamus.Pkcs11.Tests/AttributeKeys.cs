using System.Security.Cryptography;
using Kamus.KeyManagement.Pkcs11;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using Net.Pkcs11Interop.HighLevelAPI.Factories;

namespace Kamus.Pkcs11.Tests;

/// <summary>
/// Master-key candidates in <see cref="SoftHsmFixture.AttributesToken"/>, made the ways an operator could make them:
/// too short, extractable, not sensitive, imported (a known value: sensitive now, but it was readable), and one that
/// may also wrap keys. The good one, <see cref="SoftHsmFixture.FirstKey"/>, comes from the server's own generator.
/// </summary>
internal static class AttributeKeys
{
    public const string Short = "short";
    public const string Extractable = "open";
    public const string NotSensitive = "plain";
    public const string Imported = "imported";
    public const string AlsoWraps = "wrapper";

    public static void Create(Pkcs11Token token)
    {
        using var session = token.OpenSession(readWrite: true);
        Generate(session, Short, 16);
        Generate(session, Extractable, 32, (CKA.CKA_EXTRACTABLE, true));
        Generate(session, NotSensitive, 32, (CKA.CKA_SENSITIVE, false));
        Generate(session, AlsoWraps, 32, (CKA.CKA_WRAP, true), (CKA.CKA_UNWRAP, true));

        var factory = session.Factories.ObjectAttributeFactory;
        var value = RandomNumberGenerator.GetBytes(32);
        session.CreateObject([.. Template(factory, Imported), factory.Create(CKA.CKA_VALUE, value)]);
        CryptographicOperations.ZeroMemory(value);
    }

    private static void Generate(ISession session, string label, ulong length, params (CKA Attribute, bool Value)[] changes)
    {
        var factory = session.Factories.ObjectAttributeFactory;
        var template = Template(factory, label, changes);
        template.Add(factory.Create(CKA.CKA_VALUE_LEN, length));
        using var mechanism = session.Factories.MechanismFactory.Create(CKM.CKM_AES_KEY_GEN);
        session.GenerateKey(mechanism, template);
    }

    // The server generator's template, with some flags changed.
    private static List<IObjectAttribute> Template(IObjectAttributeFactory factory, string label, params (CKA Attribute, bool Value)[] changes)
    {
        List<IObjectAttribute> template =
        [
            factory.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY),
            factory.Create(CKA.CKA_KEY_TYPE, CKK.CKK_AES),
            factory.Create(CKA.CKA_LABEL, label),
        ];
        foreach (var (attribute, value) in Pkcs11KeyGenerator.Flags)
        {
            var changed = changes.FirstOrDefault(c => c.Attribute == attribute);
            template.Add(factory.Create(attribute, changed.Attribute == attribute ? changed.Value : value));
        }

        return template;
    }
}
