using Kamus.KeyManagement.Pkcs11;
using Net.Pkcs11Interop.Common;

namespace Kamus.Pkcs11.Tests;

/// <summary>The generated master key, read back through the module: an AES-256 token key that can never leave it.</summary>
[Collection(SoftHsmGroup.Name)]
public sealed class KeyObjectTests(SoftHsmFixture hsm)
{
    [SoftHsmFact]
    public void The_master_key_is_sensitive_and_never_extractable()
    {
        using var module = Pkcs11Module.Acquire(hsm.ModulePath);
        var slot = module.Library.GetSlotList(SlotsType.WithTokenPresent).Single(s => s.GetTokenInfo().Label.Trim() == SoftHsmFixture.Token);
        using var session = slot.OpenSession(SessionType.ReadOnly);
        try
        {
            session.Login(CKU.CKU_USER, hsm.Pin);
        }
        catch (Pkcs11Exception e) when (e.RV == CKR.CKR_USER_ALREADY_LOGGED_IN)
        {
        }

        var factory = session.Factories.ObjectAttributeFactory;
        var key = Assert.Single(session.FindAllObjects([factory.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY), factory.Create(CKA.CKA_LABEL, SoftHsmFixture.FirstKey)]));
        var attributes = session.GetAttributeValue(key,
        [
            CKA.CKA_KEY_TYPE, CKA.CKA_VALUE_LEN, CKA.CKA_TOKEN, CKA.CKA_SENSITIVE, CKA.CKA_EXTRACTABLE,
            CKA.CKA_ALWAYS_SENSITIVE, CKA.CKA_NEVER_EXTRACTABLE, CKA.CKA_ENCRYPT, CKA.CKA_DECRYPT, CKA.CKA_WRAP, CKA.CKA_VALUE,
        ]);

        Assert.Equal((ulong)CKK.CKK_AES, attributes[0].GetValueAsUlong());
        Assert.Equal(32UL, attributes[1].GetValueAsUlong());
        Assert.True(attributes[2].GetValueAsBool(), "CKA_TOKEN");
        Assert.True(attributes[3].GetValueAsBool(), "CKA_SENSITIVE");
        Assert.False(attributes[4].GetValueAsBool(), "CKA_EXTRACTABLE");
        Assert.True(attributes[5].GetValueAsBool(), "CKA_ALWAYS_SENSITIVE");
        Assert.True(attributes[6].GetValueAsBool(), "CKA_NEVER_EXTRACTABLE");
        Assert.True(attributes[7].GetValueAsBool(), "CKA_ENCRYPT");
        Assert.True(attributes[8].GetValueAsBool(), "CKA_DECRYPT");
        Assert.False(attributes[9].GetValueAsBool(), "CKA_WRAP");
        Assert.True(attributes[10].CannotBeRead, "the key value must not be readable");
    }

    [SoftHsmFact]
    public void The_provider_finds_the_key_and_wraps_in_the_token_with_the_v2_layout()
    {
        using var provider = Pkcs11MasterKeyProvider.Open(hsm.Options());
        var identity = new Kamus.Wire.Identity.ServiceAccountIdentity("ns-a", "sa1");
        var aad = Kamus.Wire.Formats.V2Layout.DataKeyAssociatedData("k1", identity);
        var dataKey = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);

        var wrapped = provider.Wrap("k1", identity, dataKey, aad);
        var again = provider.Wrap("k1", identity, dataKey, aad);

        Assert.Equal(12 + 32 + 16, wrapped.Length);
        Assert.NotEqual(wrapped[..12], again[..12]); // a fresh IV each time
        Assert.Equal(dataKey, provider.Unwrap("k1", identity, wrapped, aad));
        var other = Kamus.Wire.Formats.V2Layout.DataKeyAssociatedData("k1", new Kamus.Wire.Identity.ServiceAccountIdentity("ns-a", "sa2"));
        Assert.Throws<Pkcs11RejectedDataException>(() => provider.Unwrap("k1", identity, wrapped, other));
        Assert.Throws<KeyNotFoundException>(() => provider.Unwrap("nope", identity, wrapped, aad));
        Assert.DoesNotContain(hsm.Pin, provider.ToString(), StringComparison.Ordinal);
    }
}
