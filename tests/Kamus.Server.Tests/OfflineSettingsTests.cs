using Kamus.KeyManagement;
using Kamus.Testing;
using Microsoft.Extensions.Configuration;

namespace Kamus.Server.Tests;

/// <summary><c>KeyManagement:Offline</c>: what the server refuses to start with (the development defaults are in <see cref="DevelopmentModeTests"/>).</summary>
public sealed class OfflineSettingsTests
{
    private static readonly string OtherMasterKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    [Fact]
    public void A_seed_without_a_signing_key_a_swapped_pair_and_a_bad_epoch_are_refused_naming_the_setting_never_the_value()
    {
        var (seed, signingKey) = OfflineKeys.Generate();

        var alone = Assert.Throws<KamusSettingsException>(() => Build(new() { ["KeyManagement:Offline:Seed"] = seed }));
        Assert.Contains("KeyManagement:Offline:SigningKey", alone.Message, StringComparison.Ordinal);

        // Each secret's purpose is part of its text and of its associated data: the two cannot stand in for each other.
        var swapped = Assert.Throws<KamusSettingsException>(() => Build(new() { ["KeyManagement:Offline:Seed"] = signingKey, ["KeyManagement:Offline:SigningKey"] = seed }));
        Assert.Contains("KeyManagement:Offline:Seed is not a wrapped offline-seed", swapped.Message, StringComparison.Ordinal);
        var relabelled = "offline-seed" + signingKey["offline-signing-key".Length..];
        var forged = Assert.Throws<KamusSettingsException>(() => Build(new() { ["KeyManagement:Offline:Seed"] = relabelled, ["KeyManagement:Offline:SigningKey"] = signingKey }));
        Assert.Contains("does not unwrap under master key 'k0'", forged.Message, StringComparison.Ordinal);

        var epoch = Assert.Throws<KamusSettingsException>(() => Build(new() { ["KeyManagement:Offline:Seed"] = seed, ["KeyManagement:Offline:SigningKey"] = signingKey, ["KeyManagement:Offline:CurrentEpoch"] = "0" }));
        Assert.Contains("KeyManagement:Offline:CurrentEpoch", epoch.Message, StringComparison.Ordinal);

        foreach (var message in new[] { alone.Message, swapped.Message, forged.Message, epoch.Message })
        {
            Assert.DoesNotContain(seed.Split('.')[3], message, StringComparison.Ordinal);
            Assert.DoesNotContain(signingKey.Split('.')[3], message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Secrets_wrapped_under_another_master_key_are_refused()
    {
        var (seed, signingKey) = OfflineKeys.Generate();
        var error = Assert.Throws<KamusSettingsException>(() => Build(
            new() { ["KeyManagement:KeyRing:Keys:k0"] = OtherMasterKey, ["KeyManagement:Offline:Seed"] = seed, ["KeyManagement:Offline:SigningKey"] = signingKey },
            masterKey: null));

        Assert.Contains("KeyManagement:Offline:Seed does not unwrap under master key 'k0'", error.Message, StringComparison.Ordinal);
    }

    private static void Build(Dictionary<string, string?> settings, string? masterKey = KamusServerHost.CompatMasterKey)
    {
        settings.TryAdd("KeyManagement:AES:Key", masterKey);
        using var app = KamusServerApplication.Build(["--urls", "http://127.0.0.1:0"], b => b.Configuration.AddInMemoryCollection(settings));
    }
}
