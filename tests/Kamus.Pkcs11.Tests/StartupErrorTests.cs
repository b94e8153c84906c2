using Kamus.KeyManagement.Pkcs11;
using Kamus.KeyManagement;
using Kamus.Testing;

namespace Kamus.Pkcs11.Tests;

/// <summary>Each wrong setting stops the server with a message naming it, and no message ever holds the PIN.</summary>
[Collection(SoftHsmGroup.Name)]
public sealed class StartupErrorTests(SoftHsmFixture hsm)
{
    [SoftHsmFact]
    public async Task A_wrong_pin_names_the_pin_source_not_the_pin()
    {
        var e = await StartFailsAsync(o => o.Settings["KeyManagement:Pkcs11:PinFile"] = hsm.WrongPinFile, token: SoftHsmFixture.PinToken);

        Assert.Contains("KeyManagement:Pkcs11:PinFile", e.Message, StringComparison.Ordinal);
        Assert.Contains("CKR_PIN_INCORRECT", e.Message, StringComparison.Ordinal);
    }

    [SoftHsmFact]
    public async Task A_wrong_pin_from_the_environment_names_the_variable()
    {
        Environment.SetEnvironmentVariable(Pkcs11Options.PinEnvironmentVariable, hsm.WrongPin);
        try
        {
            var e = await StartFailsAsync(o => o.Settings["KeyManagement:Pkcs11:PinFile"] = null, token: SoftHsmFixture.PinToken);
            Assert.Contains(Pkcs11Options.PinEnvironmentVariable, e.Message, StringComparison.Ordinal);
            Assert.Contains("refused", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(Pkcs11Options.PinEnvironmentVariable, null);
        }
    }

    [SoftHsmFact]
    public async Task A_pin_given_as_a_setting_is_refused()
    {
        var e = await StartFailsAsync(o => o.Settings["KeyManagement:Pkcs11:Pin"] = hsm.Pin);

        Assert.Contains("KeyManagement:Pkcs11:Pin is refused", e.Message, StringComparison.Ordinal);
    }

    [SoftHsmFact]
    public async Task No_pin_at_all_says_where_to_put_it()
    {
        var e = await StartFailsAsync(o => o.Settings["KeyManagement:Pkcs11:PinFile"] = null);

        Assert.Contains("No PKCS#11 PIN", e.Message, StringComparison.Ordinal);
    }

    [SoftHsmFact]
    public async Task A_wrong_token_label_names_the_token_setting_and_lists_the_tokens()
    {
        var e = await StartFailsAsync(o => o.Settings["KeyManagement:Pkcs11:TokenLabel"] = "no-such-token");

        Assert.Contains("KeyManagement:Pkcs11:TokenLabel 'no-such-token'", e.Message, StringComparison.Ordinal);
        Assert.Contains($"'{SoftHsmFixture.Token}'", e.Message, StringComparison.Ordinal);
    }

    [SoftHsmFact]
    public async Task A_wrong_slot_id_names_the_slot_setting()
    {
        var e = await StartFailsAsync(o =>
        {
            o.Settings["KeyManagement:Pkcs11:TokenLabel"] = null;
            o.Settings["KeyManagement:Pkcs11:SlotId"] = "4242";
        });

        Assert.Contains("KeyManagement:Pkcs11:SlotId 4242", e.Message, StringComparison.Ordinal);
    }

    [SoftHsmFact]
    public async Task A_missing_key_label_names_the_key_setting_and_the_keys_present()
    {
        var e = await StartFailsAsync(o => o.Settings["KeyManagement:Pkcs11:CurrentKeyLabel"] = "k9");

        Assert.Contains("KeyManagement:Pkcs11:CurrentKeyLabel", e.Message, StringComparison.Ordinal);
        Assert.Contains("'k9'", e.Message, StringComparison.Ordinal);
        Assert.Contains(SoftHsmFixture.FirstKey, e.Message, StringComparison.Ordinal);
    }

    [SoftHsmFact]
    public async Task A_key_label_that_is_not_a_key_id_is_refused()
    {
        var e = await StartFailsAsync(o => o.Settings["KeyManagement:Pkcs11:CurrentKeyLabel"] = "not a key id");

        Assert.Contains("KeyManagement:Pkcs11:CurrentKeyLabel", e.Message, StringComparison.Ordinal);
    }

    [SoftHsmTheory]
    [InlineData("/nonexistent/libpkcs11.so", "no such file")]
    [InlineData("/etc/hostname", "not a loadable PKCS#11 module")]
    public async Task A_wrong_module_path_names_the_module_setting(string path, string reason)
    {
        var e = await StartFailsAsync(o => o.Settings["KeyManagement:Pkcs11:ModulePath"] = path);

        Assert.Contains($"KeyManagement:Pkcs11:ModulePath '{path}'", e.Message, StringComparison.Ordinal);
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [SoftHsmFact]
    public async Task A_library_that_is_not_a_pkcs11_module_names_the_module_setting()
    {
        var libc = new[] { "/usr/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/aarch64-linux-gnu/libc.so.6", "/lib64/libc.so.6" }.First(File.Exists);

        var e = await StartFailsAsync(o => o.Settings["KeyManagement:Pkcs11:ModulePath"] = libc);

        Assert.Contains("not a loadable PKCS#11 module", e.Message, StringComparison.Ordinal);
    }

    [SoftHsmFact]
    public async Task The_current_key_id_of_the_in_memory_ring_is_refused_under_pkcs11()
    {
        var e = await StartFailsAsync(o => o.Settings["KeyManagement:KeyRing:CurrentKeyId"] = "k0");

        Assert.Contains("KeyManagement:Pkcs11:CurrentKeyLabel", e.Message, StringComparison.Ordinal);
    }

    [SoftHsmFact]
    public async Task After_every_failure_a_correct_start_still_works()
    {
        await StartFailsAsync(o => o.Settings["KeyManagement:Pkcs11:PinFile"] = hsm.WrongPinFile, token: SoftHsmFixture.PinToken);
        await using var server = await HsmServer.StartAsync(hsm);

        var value = await server.Api.EncryptOkAsync("fine", "sa1", "ns-a");
        Assert.Equal("fine", (await server.Api.DecryptTextAsync(HsmServer.TokenA1, value)).Body);
    }

    private async Task<KamusSettingsException> StartFailsAsync(Action<KamusServerHostOptions> configure, string token = SoftHsmFixture.Token)
    {
        var e = await Assert.ThrowsAsync<KamusSettingsException>(async () =>
        {
            await using var server = await HsmServer.StartAsync(hsm, configure: o =>
            {
                o.Settings["KeyManagement:Pkcs11:TokenLabel"] = token;
                configure(o);
            });
        });

        // Neither PIN shows anywhere: message, inner exceptions, stack text.
        var text = e.ToString();
        Assert.DoesNotContain(hsm.Pin, text, StringComparison.Ordinal);
        Assert.DoesNotContain(hsm.WrongPin, text, StringComparison.Ordinal);
        return e;
    }
}
