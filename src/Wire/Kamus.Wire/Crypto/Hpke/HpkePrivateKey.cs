using System.Security.Cryptography;

namespace Kamus.Wire.Crypto.Hpke;

/// <summary>
/// A DHKEM(P-256) key pair: the private scalar lives in the platform's key handle only (never in a managed array that
/// outlives <see cref="DhKemP256.DeriveKeyPair"/>), with the encoding of its public key. Dispose it as soon as it is used.
/// </summary>
internal sealed class HpkePrivateKey : IDisposable
{
    private readonly byte[] _publicKey;

    internal HpkePrivateKey(ECDiffieHellman key)
    {
        Key = key;

        // Only the encoding is kept: the public half is never a Diffie-Hellman peer, and importing it again would cost
        // another point validation (a scalar multiplication) per key.
        _publicKey = new byte[DhKemP256.PublicKeyLength];
        HpkePublicKey.Serialize(key.ExportParameters(includePrivateParameters: false).Q, _publicKey);
    }

    /// <summary><c>SerializePublicKey(pk)</c>: <c>0x04 || X || Y</c>, 65 bytes.</summary>
    public ReadOnlySpan<byte> EncodedPublicKey => _publicKey;

    /// <summary>The platform key, for <see cref="ECDiffieHellman.DeriveRawSecretAgreement"/>.</summary>
    internal ECDiffieHellman Key { get; }

    /// <summary>
    /// <c>SerializePrivateKey</c> (32 bytes, big-endian scalar), for the conformance tests only: Kamus never writes a
    /// private key anywhere. The caller zeroes the result.
    /// </summary>
    internal byte[] ExportScalar() => Key.ExportParameters(includePrivateParameters: true).D!;

    /// <summary>Releases (and lets the platform clear) the key.</summary>
    public void Dispose() => Key.Dispose();

    /// <summary>Never shows the key.</summary>
    public override string ToString() => "HpkePrivateKey(P-256, redacted)";
}
