using System.Security.Cryptography;

namespace Kamus.Wire.Crypto.Hpke;

/// <summary>
/// A DHKEM(P-256) key pair: the private scalar lives in the platform's key handle only (never in a managed array that
/// outlives <see cref="DhKemP256.DeriveKeyPair"/>), with its public key. Dispose it as soon as it is used.
/// </summary>
internal sealed class HpkePrivateKey : IDisposable
{
    private readonly ECDiffieHellman _key;

    internal HpkePrivateKey(ECDiffieHellman key)
    {
        _key = key;
        PublicKey = HpkePublicKey.FromKey(key);
    }

    /// <summary>The public half.</summary>
    public HpkePublicKey PublicKey { get; }

    /// <summary>The platform key, for <see cref="ECDiffieHellman.DeriveRawSecretAgreement"/>.</summary>
    internal ECDiffieHellman Key => _key;

    /// <summary>
    /// <c>SerializePrivateKey</c> (32 bytes, big-endian scalar), for the conformance tests only: Kamus never writes a
    /// private key anywhere. The caller zeroes the result.
    /// </summary>
    internal byte[] ExportScalar() => _key.ExportParameters(includePrivateParameters: true).D!;

    /// <summary>Releases (and lets the platform clear) the key.</summary>
    public void Dispose()
    {
        PublicKey.Dispose();
        _key.Dispose();
    }

    /// <summary>Never shows the key.</summary>
    public override string ToString() => "HpkePrivateKey(P-256, redacted)";
}
