using System.Runtime;
using System.Security.Cryptography;
using Kamus.KeyManagement.Aes;
using Kamus.Server.Tests.Support;
using Kamus.Wire.Crypto;
using Kamus.Wire.Identity;

namespace Kamus.Server.Tests;

/// <summary>Derived keys on the upstream path leave no copy behind in process memory.</summary>
public sealed class KeyHygieneTests
{
    [LinuxFact]
    public void Upstream_key_derivation_and_cbc_leave_no_copy_of_the_derived_key_in_memory()
    {
        var master = RandomNumberGenerator.GetBytes(32);
        var identity = new ServiceAccountIdentity("ns-hygiene", "sa-hygiene");

        // The derived key is only ever held masked here, so the search finds copies made by the code under test.
        var mask = RandomNumberGenerator.GetBytes(KeyDerivation.KeySize);
        var masked = new byte[KeyDerivation.KeySize];
        Span<byte> derived = stackalloc byte[KeyDerivation.KeySize];
        KeyDerivation.DeriveUpstreamKey(master, identity, derived);
        for (var i = 0; i < masked.Length; i++)
        {
            masked[i] = (byte)(derived[i] ^ mask[i]);
        }

        CryptographicOperations.ZeroMemory(derived);
        Assert.Equal(0, ProcessMemory.CountOccurrences(masked, mask));

        using (var key = new UpstreamAesKey(master, useKeyDerivation: true))
        {
            // No garbage collection in between: a moved array would leave its old bytes behind whatever the code does.
            Assert.True(GC.TryStartNoGCRegion(16 * 1024 * 1024));
            try
            {
                for (var i = 0; i < 8; i++)
                {
                    var encrypted = Kamus.Wire.Formats.CiphertextParser.Parse(key.Encrypt(identity, "hygiene"u8));
                    CryptographicOperations.ZeroMemory(key.Decrypt(identity, encrypted.Iv, encrypted.Body));
                }
            }
            finally
            {
                if (GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
                {
                    GC.EndNoGCRegion();
                }
            }
        }

        Assert.Equal(0, ProcessMemory.CountOccurrences(masked, mask));
        CryptographicOperations.ZeroMemory(master);
    }
}
