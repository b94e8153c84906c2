using System.Security.Cryptography;
using System.Text;
using Kamus.KeyManagement;
using Kamus.KeyManagement.Aes;
using Kamus.Wire.Formats;
using Kamus.Wire.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Kamus.Server.Tests;

/// <summary>
/// The start-up ownership of the keys that the server and the controller share: whichever step fails (the host's own
/// check, building the host) or, once built, the container's disposal, the key material is zeroed. Zeroed is observed
/// directly: the upstream key (no derivation) then encrypts exactly as an all-zero key does.
/// </summary>
public sealed class LoadedKeysTests
{
    private static readonly ServiceAccountIdentity Identity = new("ns-loaded", "sa-loaded");

    [Fact]
    public void A_failed_host_check_disposes_the_keys_it_was_given()
    {
        KeyMaterial? seen = null;
        var failure = Assert.Throws<KamusSettingsException>(() => LoadedKeys.Load(Options(), developmentMode: false, new ConfigurationBuilder().Build(), keys =>
        {
            seen = keys;
            throw new KamusSettingsException("the host refuses these keys");
        }));

        Assert.Equal("the host refuses these keys", failure.Message);
        AssertZeroed(seen!);
    }

    [Fact]
    public void A_failed_host_build_disposes_the_keys()
    {
        var loaded = LoadedKeys.Load(Options(), developmentMode: false, new ConfigurationBuilder().Build());

        Assert.Throws<InvalidOperationException>(() => loaded.Build<object>(() => throw new InvalidOperationException("build failed")));

        AssertZeroed(loaded.Keys);
    }

    [Fact]
    public void Once_attached_the_container_owns_the_keys_and_disposes_them_with_the_host()
    {
        var loaded = LoadedKeys.Load(Options(), developmentMode: false, new ConfigurationBuilder().Build());
        var services = new ServiceCollection().AddLogging();
        services.AddHttpClient();
        loaded.Register(services);
        var provider = loaded.Build(() => services.BuildServiceProvider());

        loaded.Attach(provider);
        Assert.Same(loaded.Keys, provider.GetRequiredService<KeyMaterial>());
        AssertNotZeroed(loaded.Keys);
        provider.Dispose();

        AssertZeroed(loaded.Keys);
    }

    private static KeyManagementOptions Options()
    {
        var options = new KeyManagementOptions();
        options.AES.Key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        options.AES.UseKeyDeriviation = false;
        return options;
    }

    private static void AssertZeroed(KeyMaterial keys) => Assert.True(OpensWithZeroKey(keys));

    private static void AssertNotZeroed(KeyMaterial keys) => Assert.False(OpensWithZeroKey(keys));

    // Encrypts with the loaded upstream key and opens the value with an all-zero key: only a zeroed key round-trips.
    private static bool OpensWithZeroKey(KeyMaterial keys)
    {
        var value = CiphertextParser.Parse(keys.Upstream.Encrypt(Identity, "zeroed?"u8));
        using var zero = new UpstreamAesKey(new byte[32], useKeyDerivation: false);
        try
        {
            return Encoding.UTF8.GetString(zero.Decrypt(Identity, value.Iv, value.Body)) == "zeroed?";
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
