using Kamus.Server.Diagnostics;
using System.Diagnostics;
using System.Security.Cryptography;
using Kamus.KeyManagement;
using Kamus.Wire.Identity;

namespace Kamus.Server.Metrics;

/// <summary>
/// Counts and times the calls to the master key provider, tagged with the provider's kind (aes, pkcs11, aws_kms,
/// azure_key_vault, google_kms) and the result: <c>ok</c>, <c>unavailable</c> (the backend cannot be reached) or
/// <c>rejected</c> (the value was made for another identity or key, or altered).
/// </summary>
internal sealed class MeteredMasterKeyProvider(IMasterKeyProvider inner, string provider, KamusServerTelemetry metrics) : IMasterKeyProvider
{
    /// <inheritdoc />
    public string CurrentKeyId => inner.CurrentKeyId;

    /// <inheritdoc />
    public bool HasKey(string keyId) => inner.HasKey(keyId);

    /// <inheritdoc />
    public ValueTask<byte[]> WrapAsync(string keyId, ServiceAccountIdentity identity, ReadOnlyMemory<byte> plaintext, ReadOnlyMemory<byte> associatedData, CancellationToken cancellationToken = default) =>
        MeasureAsync("wrap", inner.WrapAsync(keyId, identity, plaintext, associatedData, cancellationToken));

    /// <inheritdoc />
    public ValueTask<byte[]> UnwrapAsync(string keyId, ServiceAccountIdentity identity, ReadOnlyMemory<byte> wrapped, ReadOnlyMemory<byte> associatedData, CancellationToken cancellationToken = default) =>
        MeasureAsync("unwrap", inner.UnwrapAsync(keyId, identity, wrapped, associatedData, cancellationToken));

    /// <summary>The provider tag for a <c>KeyManagement:Provider</c> setting.</summary>
    public static string KindOf(string? setting) => setting?.ToUpperInvariant() switch
    {
        null or "" or "AESKEY" => "aes",
        "PKCS11" => "pkcs11",
        "AWSKMS" => "aws_kms",
        "AZUREKEYVAULT" => "azure_key_vault",
        "GOOGLEKMS" => "google_kms",
        _ => "other",
    };

    private async ValueTask<byte[]> MeasureAsync(string operation, ValueTask<byte[]> call)
    {
        var started = Stopwatch.GetTimestamp();
        var result = "ok";
        try
        {
            return await call.ConfigureAwait(false);
        }
        catch (MasterKeyUnavailableException)
        {
            result = "unavailable";
            throw;
        }
        catch (Exception e) when (e is CryptographicException or KeyNotFoundException)
        {
            result = "rejected";
            throw;
        }
        catch
        {
            result = "error";
            throw;
        }
        finally
        {
            metrics.KeyOperation(provider, operation, result, Stopwatch.GetElapsedTime(started));
        }
    }
}
