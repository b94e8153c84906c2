using System.Security.Cryptography;
using Kamus.Wire.Crypto;
using Kamus.Wire.Crypto.Hpke;
using Kamus.Wire.Formats;
using Kamus.Wire.Identity;

namespace Kamus.Wire.Tests.Formats;

public sealed class PublicKeyStatementTests
{
    private static readonly ServiceAccountIdentity Orders = new("team-a", "orders");
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_statement_round_trips_through_json_and_verifies_with_its_pin()
    {
        using var signing = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var key = DhKemP256.DeriveKeyPair(RandomNumberGenerator.GetBytes(32));
        var statement = PublicKeyStatement.Create(HpkeSuite.P256Sha256Aes256Gcm, Orders, 2, key.EncodedPublicKey, Now.AddDays(30), signing);
        var json = statement.ToJson();

        Assert.True(PublicKeyStatement.TryParse(json, out var read, out var reason), reason);
        Assert.True(Sha256Fingerprint.TryParse(statement.SignerFingerprint, out var pin));
        Assert.True(read.TryVerify(Orders, pin, Now, out reason), reason);
        Assert.Equal(key.EncodedPublicKey.ToArray(), read.PublicKey);
        Assert.Equal(2, read.Epoch);
        Assert.Equal(Now.AddDays(30), read.NotAfter);
    }

    [Fact]
    public void Tampered_expired_misaddressed_and_unpinned_statements_are_refused()
    {
        using var signing = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var key = DhKemP256.DeriveKeyPair(RandomNumberGenerator.GetBytes(32));
        var statement = PublicKeyStatement.Create(HpkeSuite.P256Sha256Aes256Gcm, Orders, 1, key.EncodedPublicKey, Now.AddDays(30), signing);
        Assert.True(Sha256Fingerprint.TryParse(statement.SignerFingerprint, out var pin));
        Assert.True(Sha256Fingerprint.TryParse(Sha256Fingerprint.Of(other.ExportSubjectPublicKeyInfo()), out var otherPin));

        Assert.False(statement.TryVerify(Orders, pin, Now.AddDays(30), out var reason));
        Assert.Contains("expired", reason, StringComparison.Ordinal);
        Assert.False(statement.TryVerify(new ServiceAccountIdentity("team-a", "billing"), pin, Now, out reason));
        Assert.Contains("team-a:orders", reason, StringComparison.Ordinal);
        Assert.False(statement.TryVerify(Orders, otherPin, Now, out reason));
        Assert.Contains(statement.SignerFingerprint, reason, StringComparison.Ordinal);

        var extended = statement.ToJson().Replace(statement.ToJson().Split("\"notAfter\": \"")[1][..20], "2099-01-01T00:00:00Z", StringComparison.Ordinal);
        Assert.True(PublicKeyStatement.TryParse(extended, out var tampered, out _));
        Assert.False(tampered.TryVerify(Orders, null, Now, out reason));
        Assert.Contains("signature", reason, StringComparison.Ordinal);
    }
}
