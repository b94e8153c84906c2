using Kamus.KeyManagement;
using System.Net;
using System.Text;
using Kamus.Wire.Crypto;
using Kamus.Wire.Formats;
using Kamus.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Kamus.Server.Tests;

public sealed class ConfigurationTests
{
    private static readonly string KeyOne = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    private static readonly string KeyTwo = Convert.ToBase64String(Enumerable.Range(101, 32).Select(i => (byte)i).ToArray());

    [Fact]
    public void Without_a_key_outside_development_mode_the_server_refuses_to_start_with_a_clear_message()
    {
        var error = Assert.Throws<KamusSettingsException>(() => Build(new Dictionary<string, string?>()));

        Assert.Contains("KeyManagement:AES:Key", error.Message, StringComparison.Ordinal);
        Assert.Contains("Kamus:Development:Enabled", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("KeyManagement:AES:Key", "bm90LTMyLWJ5dGVz")]
    [InlineData("KeyManagement:AES:Key", "%%%not-base64%%%")]
    [InlineData("KeyManagement:KeyRing:Keys:k1", "c2hvcnQ=")]
    public void A_malformed_key_is_refused_naming_the_setting_never_the_value(string setting, string value)
    {
        var error = Assert.Throws<KamusSettingsException>(() => Build(new Dictionary<string, string?> { [setting] = value }));

        Assert.Contains(setting, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(value, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unsupported_provider_and_a_current_key_id_outside_the_ring_are_refused()
    {
        Assert.Throws<KamusSettingsException>(() => Build(new Dictionary<string, string?> { ["KeyManagement:Provider"] = "NoSuchKms", ["KeyManagement:AES:Key"] = KeyOne }));
        Assert.Throws<KamusSettingsException>(() => Build(new Dictionary<string, string?> { ["KeyManagement:KeyRing:Keys:k1"] = KeyOne, ["KeyManagement:KeyRing:CurrentKeyId"] = "k2" }));
        Assert.Throws<KamusSettingsException>(() => Build(new Dictionary<string, string?> { ["KeyManagement:KeyRing:Keys:k1"] = KeyOne, ["KeyManagement:KeyRing:Keys:k2"] = KeyTwo }));
    }

    [Fact]
    public async Task Non_derived_upstream_mode_round_trips_and_warns_that_every_account_shares_the_key()
    {
        await using var host = await KamusServerHost.StartAsync(o =>
        {
            o.Settings["KeyManagement:AES:UseKeyDeriviation"] = "false";
            o.Settings["Kamus:Encryption:Format"] = "Upstream";
        });
        host.StandIn.AddToken("a1", "ns-a", "sa1");
        var api = new RawKamusApi(host.CreateHttpClient());

        var ciphertext = await api.EncryptOkAsync("plain-mode", "sa1", "ns-a");
        var batch = await api.EncryptManyOkAsync("sa1", "ns-a", new Dictionary<string, string> { ["x"] = "plain-envelope" });

        Assert.Equal(CiphertextFormat.UpstreamAes, CiphertextParser.Parse(ciphertext).Format);
        Assert.Equal(CiphertextFormat.UpstreamEnvelope, CiphertextParser.Parse(batch["x"]).Format);
        Assert.Equal((HttpStatusCode.OK, "plain-mode"), await api.DecryptTextAsync("a1", ciphertext));
        Assert.Equal((HttpStatusCode.OK, "plain-envelope"), await api.DecryptTextAsync("a1", batch["x"]));

        // Independently made with the master key itself, as upstream does without derivation.
        var (iv, body) = AesCbc.Encrypt(Convert.FromBase64String(KamusServerHost.CompatMasterKey), Encoding.UTF8.GetBytes("made-elsewhere"));
        Assert.Equal((HttpStatusCode.OK, "made-elsewhere"), await api.DecryptTextAsync("a1", UpstreamLayout.FormatAes(iv, body)));
        Assert.Contains(host.Logs.GetSnapshot(), r => r.Level == LogLevel.Warning && r.Message.Contains("UseKeyDeriviation is false", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Derived_upstream_format_is_bound_to_the_service_account()
    {
        await using var host = await KamusServerHost.StartAsync(o => o.Settings["Kamus:Encryption:Format"] = "Upstream");
        host.StandIn.AddToken("a1", "ns-a", "sa1");
        host.StandIn.AddToken("b1", "ns-b", "sa1");
        var api = new RawKamusApi(host.CreateHttpClient());

        var ciphertext = await api.EncryptOkAsync("derived", "sa1", "ns-a");

        Assert.Equal(CiphertextFormat.UpstreamAes, CiphertextParser.Parse(ciphertext).Format);
        Assert.Equal((HttpStatusCode.OK, "derived"), await api.DecryptTextAsync("a1", ciphertext));
        Assert.Equal(HttpStatusCode.Forbidden, (await api.DecryptTextAsync("b1", ciphertext)).Status);
    }

    [Fact]
    public async Task The_key_ring_rotates_new_values_use_the_current_key_and_old_ones_still_decrypt()
    {
        string oldValue;
        await using (var before = await StartRingAsync(("k1", KeyOne)))
        {
            oldValue = await new RawKamusApi(before.CreateHttpClient()).EncryptOkAsync("old", "sa1", "ns-a");
        }

        await using var rotated = await StartRingAsync(("k1", KeyOne), ("k2", KeyTwo));
        var api = new RawKamusApi(rotated.CreateHttpClient());
        var newValue = await api.EncryptOkAsync("new", "sa1", "ns-a");

        Assert.StartsWith("k2.k1.", oldValue, StringComparison.Ordinal);
        Assert.StartsWith("k2.k2.", newValue, StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.OK, "old"), await api.DecryptTextAsync("a1", oldValue));
        Assert.Equal((HttpStatusCode.OK, "new"), await api.DecryptTextAsync("a1", newValue));

        await using var retired = await StartRingAsync(("k2", KeyTwo));
        Assert.Equal(HttpStatusCode.BadRequest, (await new RawKamusApi(retired.CreateHttpClient()).DecryptTextAsync("a1", oldValue)).Status);
    }

    [Fact]
    public async Task The_upstream_key_also_serves_v2_values_under_key_id_k0_next_to_a_ring()
    {
        await using var host = await StartRingAsync(("k1", KeyOne));
        var api = new RawKamusApi(host.CreateHttpClient());

        // The ring's key id is current; the compat master key (KeyManagement:AES:Key) still reads upstream vectors.
        Assert.StartsWith("k2.k1.", await api.EncryptOkAsync("x", "sa1", "ns-a"), StringComparison.Ordinal);
        var vector = CompatVectors.All[0];
        host.StandIn.AddToken("v", vector.Namespace, vector.ServiceAccount);
        Assert.Equal((HttpStatusCode.OK, vector.Plaintext), await api.DecryptTextAsync("v", vector.Ciphertext));
    }

    private static async Task<KamusServerHost> StartRingAsync(params (string Id, string Key)[] keys)
    {
        var host = await KamusServerHost.StartAsync(o =>
        {
            foreach (var (id, key) in keys)
            {
                o.Settings[$"KeyManagement:KeyRing:Keys:{id}"] = key;
            }

            o.Settings["KeyManagement:KeyRing:CurrentKeyId"] = keys[^1].Id;
        });
        host.StandIn.AddToken("a1", "ns-a", "sa1");
        return host;
    }

    private static void Build(Dictionary<string, string?> settings)
    {
        // Environment variables of the test process must not supply a key: every key setting is pinned here.
        settings.TryAdd("KeyManagement:AES:Key", null);
        _ = KamusServerApplication.Build(["--urls", "http://127.0.0.1:0"], b => b.Configuration.AddInMemoryCollection(settings));
    }
}
