using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Kamus.Wire.Crypto.Hpke;
using Kamus.Wire.Formats;
using Kamus.Wire.Identity;

namespace Kamus.KeyManagement.Offline;

/// <summary>
/// Every service account's offline key pair, derived on demand instead of stored: the pair of <c>(ns, sa, epoch)</c>
/// is HPKE's <c>DeriveKeyPair</c> of a key derived from the master seed, so there is no key list to grow, back up or
/// clean up. A new epoch rotates every pair; older epochs stay derivable, so older values still decrypt.
/// Statements are signed by a separate key, whose fingerprint users pin.
/// </summary>
internal sealed class OfflineKeyRing : IDisposable
{
    private readonly byte[] _seed;
    private readonly ECDsa _signingKey;
    private readonly Lock _signing = new();

    private OfflineKeyRing(byte[] pinnedSeed, ECDsa signingKey, int currentEpoch, TimeSpan statementLifetime, bool insecure)
    {
        _seed = pinnedSeed;
        _signingKey = signingKey;
        CurrentEpoch = currentEpoch;
        StatementLifetime = statementLifetime;
        IsInsecureDevelopmentRing = insecure;
        SignerFingerprint = Kamus.Wire.Crypto.Sha256Fingerprint.Of(signingKey.ExportSubjectPublicKeyInfo());
    }

    /// <summary>The suite of every key this ring publishes.</summary>
    public static HpkeSuite Suite => HpkeSuite.P256Sha256Aes256Gcm;

    /// <summary>The epoch new statements publish.</summary>
    public int CurrentEpoch { get; }

    /// <summary>How long a new statement may be used.</summary>
    public TimeSpan StatementLifetime { get; }

    /// <summary>The SHA-256 fingerprint of the statement-signing key (lowercase hex), which users pin. Public.</summary>
    public string SignerFingerprint { get; }

    /// <summary>Whether the secrets come from the well-known development key (anyone can derive them).</summary>
    public bool IsInsecureDevelopmentRing { get; }

    /// <summary>
    /// Reads <c>KeyManagement:Offline</c>: <see langword="null"/> when offline encryption is not configured (and not in
    /// development mode), else the ring with both secrets unwrapped by <paramref name="provider"/>.
    /// </summary>
    /// <param name="options">The settings.</param>
    /// <param name="provider">The master-key provider that wrapped the secrets.</param>
    /// <param name="developmentKey">
    /// The well-known development master key when the server uses it: with no offline settings, the secrets are then
    /// derived from it (as insecure as the key itself), so a development server offers offline keys out of the box.
    /// </param>
    /// <param name="cancellationToken">Cancels the unwrapping.</param>
    /// <exception cref="KamusSettingsException">A setting is missing, malformed, or does not unwrap.</exception>
    public static async ValueTask<OfflineKeyRing?> LoadAsync(OfflineKeyOptions options, IMasterKeyProvider provider, byte[]? developmentKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(provider);
        if (options.CurrentEpoch < 1)
        {
            throw new KamusSettingsException($"{OfflineKeyOptions.SectionName}:CurrentEpoch must be 1 or more.");
        }

        if (options.StatementLifetime <= TimeSpan.Zero)
        {
            throw new KamusSettingsException($"{OfflineKeyOptions.SectionName}:StatementLifetime must be positive (for example 365.00:00:00).");
        }

        var hasSeed = !string.IsNullOrWhiteSpace(options.Seed);
        var hasSigningKey = !string.IsNullOrWhiteSpace(options.SigningKey);
        if (!hasSeed && !hasSigningKey)
        {
            return developmentKey is null ? null : FromDevelopmentKey(developmentKey, options);
        }

        if (hasSeed != hasSigningKey)
        {
            throw new KamusSettingsException(
                $"{OfflineKeyOptions.SectionName}:Seed and {OfflineKeyOptions.SectionName}:SigningKey are set together; make both with 'Kamus.Server offline-keys-generate'.");
        }

        var seed = await OfflineSecret.UnwrapAsync(provider, OfflineSecret.SeedPurpose, options.Seed!, $"{OfflineKeyOptions.SectionName}:Seed", cancellationToken).ConfigureAwait(false);
        try
        {
            var signing = await OfflineSecret.UnwrapAsync(provider, OfflineSecret.SigningKeyPurpose, options.SigningKey!, $"{OfflineKeyOptions.SectionName}:SigningKey", cancellationToken).ConfigureAwait(false);
            try
            {
                return new OfflineKeyRing(seed, SigningKeyFrom(signing), options.CurrentEpoch, options.StatementLifetime, insecure: false);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(signing);
            }
        }
        catch
        {
            CryptographicOperations.ZeroMemory(seed);
            throw;
        }
    }

    /// <summary>Whether values of <paramref name="epoch"/> can be decrypted (1 to <see cref="CurrentEpoch"/>).</summary>
    public bool IsKnownEpoch(int epoch) => epoch >= 1 && epoch <= CurrentEpoch;

    /// <summary>
    /// The key pair of <paramref name="identity"/> at <paramref name="epoch"/>:
    /// <c>DeriveKeyPair(HKDF-SHA256(seed, salt "kamus/offline/v1", info "kamus/offline/v1|keypair|" epoch "|" ns:sa))</c>.
    /// </summary>
    public HpkePrivateKey DeriveKeyPair(ServiceAccountIdentity identity, int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(epoch, 1);
        Span<byte> ikm = stackalloc byte[32];
        try
        {
            var info = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"kamus/offline/v1|keypair|{epoch}|{identity}"));
            HKDF.DeriveKey(HashAlgorithmName.SHA256, _seed, ikm, Salt, info);
            return DhKemP256.DeriveKeyPair(ikm);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(ikm);
        }
    }

    /// <summary>A signed statement of <paramref name="identity"/>'s current public key, valid from <paramref name="now"/> for <see cref="StatementLifetime"/>.</summary>
    public PublicKeyStatement Statement(ServiceAccountIdentity identity, DateTimeOffset now)
    {
        using var pair = DeriveKeyPair(identity, CurrentEpoch);

        // ECDsa instances are not documented as thread-safe; statements are rare, so one signature at a time.
        lock (_signing)
        {
            return PublicKeyStatement.Create(Suite, identity, CurrentEpoch, pair.EncodedPublicKey, now + StatementLifetime, _signingKey);
        }
    }

    /// <summary>Zeroes the seed and releases the signing key.</summary>
    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_seed);
        _signingKey.Dispose();
    }

    /// <summary>Names the epoch and signer only.</summary>
    public override string ToString() => $"OfflineKeyRing(epoch {CurrentEpoch}, signer {SignerFingerprint})";

    private static ReadOnlySpan<byte> Salt => "kamus/offline/v1"u8;

    // The signing key is a P-256 scalar derived from its own secret (never from the seed: the two are independent).
    private static ECDsa SigningKeyFrom(ReadOnlySpan<byte> secret)
    {
        var ikm = GC.AllocateArray<byte>(32, pinned: true);
        var scalar = GC.AllocateArray<byte>(DhKemP256.PrivateKeyLength, pinned: true);
        try
        {
            HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, ikm, Salt, "kamus/offline/v1|statement-signing"u8);
            DhKemP256.DeriveScalar(ikm, scalar);
            return ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = scalar });
        }
        finally
        {
            CryptographicOperations.ZeroMemory(ikm);
            CryptographicOperations.ZeroMemory(scalar);
        }
    }

    private static OfflineKeyRing FromDevelopmentKey(ReadOnlySpan<byte> developmentKey, OfflineKeyOptions options)
    {
        var seed = GC.AllocateArray<byte>(OfflineSecret.Length, pinned: true);
        Span<byte> signing = stackalloc byte[OfflineSecret.Length];
        try
        {
            HKDF.DeriveKey(HashAlgorithmName.SHA256, developmentKey, seed, Salt, "kamus/offline/v1|development-seed"u8);
            HKDF.DeriveKey(HashAlgorithmName.SHA256, developmentKey, signing, Salt, "kamus/offline/v1|development-signing-key"u8);
            return new OfflineKeyRing(seed, SigningKeyFrom(signing), options.CurrentEpoch, options.StatementLifetime, insecure: true);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(signing);
        }
    }
}
