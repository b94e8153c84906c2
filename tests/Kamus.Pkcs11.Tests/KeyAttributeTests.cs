using Kamus.KeyManagement;
using Kamus.KeyManagement.Pkcs11;

namespace Kamus.Pkcs11.Tests;

/// <summary>Only 256-bit AES keys that are sensitive and not extractable become master keys; doubtful ones are warned about.</summary>
[Collection(SoftHsmGroup.Name)]
public sealed class KeyAttributeTests(SoftHsmFixture hsm)
{
    [SoftHsmTheory]
    [InlineData(AttributeKeys.Short, "not a 256-bit AES key")]
    [InlineData(AttributeKeys.Extractable, "can leave the token")]
    [InlineData(AttributeKeys.NotSensitive, "can leave the token")]
    public void A_named_key_that_is_short_or_can_leave_the_token_is_refused_at_start(string label, string reason)
    {
        var error = Assert.Throws<KamusSettingsException>(() => Pkcs11MasterKeyProvider.Open(hsm.Options(label, SoftHsmFixture.AttributesToken)).Dispose());

        Assert.Contains($"'{label}'", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(hsm.Pin, error.Message, StringComparison.Ordinal);
    }

    [SoftHsmFact]
    public void Found_keys_that_are_unusable_are_skipped_with_a_warning_and_doubtful_ones_used_with_one()
    {
        using var provider = Pkcs11MasterKeyProvider.Open(hsm.Options(token: SoftHsmFixture.AttributesToken));

        Assert.Equal(new[] { SoftHsmFixture.FirstKey, AttributeKeys.Imported, AttributeKeys.AlsoWraps }.Order(StringComparer.Ordinal), provider.KeyIds.Order(StringComparer.Ordinal));
        Assert.Contains(provider.Warnings, w => w.Contains($"'{AttributeKeys.Short}'", StringComparison.Ordinal) && w.Contains("is not used", StringComparison.Ordinal));
        Assert.Contains(provider.Warnings, w => w.Contains($"'{AttributeKeys.Extractable}'", StringComparison.Ordinal) && w.Contains("is not used", StringComparison.Ordinal));
        Assert.Contains(provider.Warnings, w => w.Contains($"'{AttributeKeys.Imported}'", StringComparison.Ordinal) && w.Contains("was readable once", StringComparison.Ordinal));
        Assert.Contains(provider.Warnings, w => w.Contains($"'{AttributeKeys.AlsoWraps}'", StringComparison.Ordinal) && w.Contains("wrap, unwrap or derive", StringComparison.Ordinal));
        Assert.DoesNotContain(provider.Warnings, w => w.Contains($"'{SoftHsmFixture.FirstKey}'", StringComparison.Ordinal));
    }

    [SoftHsmFact]
    public async Task An_imported_key_serves_as_current_key_and_the_server_logs_why_it_is_doubtful()
    {
        await using var server = await HsmServer.StartAsync(hsm, currentKey: AttributeKeys.Imported, token: SoftHsmFixture.AttributesToken, configure: o => o.Settings["KeyManagement:Pkcs11:KeyLabels:0"] = AttributeKeys.Imported);

        var value = await server.Api.EncryptOkAsync("imported", "sa1", "ns-a");

        Assert.Equal((System.Net.HttpStatusCode.OK, "imported"), await server.Api.DecryptTextAsync(HsmServer.TokenA1, value));
        Assert.Contains(server.Host.Logs.GetSnapshot(), r => r.Level == Microsoft.Extensions.Logging.LogLevel.Warning && r.Message.Contains("was readable once", StringComparison.Ordinal));
    }
}
