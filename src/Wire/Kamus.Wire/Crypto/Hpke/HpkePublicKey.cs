using System.Security.Cryptography;

namespace Kamus.Wire.Crypto.Hpke;

/// <summary>
/// A recipient's DHKEM(P-256) public key: its 65-byte uncompressed encoding (RFC 9180 §7.1.1, <c>SerializePublicKey</c>)
/// and the validated point. Immutable and safe to share between threads; it holds nothing secret.
/// </summary>
internal sealed class HpkePublicKey : IDisposable
{
    private readonly ECDiffieHellman _point;
    private readonly byte[] _encoded;

    private HpkePublicKey(ECDiffieHellman point, byte[] encoded)
    {
        _point = point;
        _encoded = encoded;
        Key = point.PublicKey;
    }

    /// <summary><c>SerializePublicKey(pk)</c>: <c>0x04 || X || Y</c>, 65 bytes.</summary>
    public ReadOnlySpan<byte> Encoded => _encoded;

    /// <summary>The point, for <see cref="ECDiffieHellman.DeriveRawSecretAgreement"/>.</summary>
    internal ECDiffieHellmanPublicKey Key { get; }

    /// <summary>
    /// <c>DeserializePublicKey</c>: reads a 65-byte uncompressed P-256 point and checks that it is on the curve
    /// (RFC 9180 §7.1.4 requires the check; a point off the curve would leak the recipient's private key).
    /// </summary>
    /// <exception cref="CryptographicException">Not an uncompressed P-256 point on the curve.</exception>
    public static HpkePublicKey Import(ReadOnlySpan<byte> encoded)
    {
        if (encoded.Length != DhKemP256.PublicKeyLength || encoded[0] != 0x04)
        {
            throw new CryptographicException("An HPKE P-256 public key is a 65-byte uncompressed point.");
        }

        var parameters = new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = encoded.Slice(1, 32).ToArray(), Y = encoded.Slice(33, 32).ToArray() },
        };

        // ECDiffieHellman.Create validates the point (the platform's EC_KEY_check_key / BCrypt import).
        return new HpkePublicKey(ECDiffieHellman.Create(parameters), encoded.ToArray());
    }

    internal static void Serialize(ECPoint point, Span<byte> destination)
    {
        destination[0] = 0x04;
        point.X.AsSpan().CopyTo(destination[1..]);
        point.Y.AsSpan().CopyTo(destination[33..]);
    }

    /// <summary>Releases the platform key handles.</summary>
    public void Dispose()
    {
        Key.Dispose();
        _point.Dispose();
    }

    /// <summary>Says what this is; the encoding is public but long, so only its type is shown.</summary>
    public override string ToString() => "HpkePublicKey(P-256)";
}
