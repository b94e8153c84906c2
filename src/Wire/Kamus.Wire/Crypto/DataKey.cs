using System.Security.Cryptography;
using System.Text;
using Kamus.Wire.Formats;

namespace Kamus.Wire.Crypto;

/// <summary>
/// An unwrapped envelope data key, held in a pinned array (the GC never copies it) and zeroed on <see cref="Dispose"/>.
/// It decrypts the payloads of the envelopes it belongs to, locally. Safe to share between threads.
/// </summary>
internal sealed class DataKey : IDisposable
{
    // Payloads up to this size are decrypted into a stack buffer.
    private const int StackPlaintextLimit = 1024;

    private readonly byte[] _key;
    private readonly Lock _gate = new();
    private AesGcm? _gcm;
    private Aes? _aes;
    private bool _disposed;

    private DataKey(byte[] pinnedKey) => _key = pinnedKey;

    /// <summary>Takes a copy of a 32-byte key.</summary>
    /// <exception cref="ArgumentException">The key is not 32 bytes.</exception>
    public static DataKey FromBytes(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeyDerivation.KeySize)
        {
            throw new ArgumentException("A data key is 32 bytes.", nameof(key));
        }

        var pinned = GC.AllocateArray<byte>(KeyDerivation.KeySize, pinned: true);
        key.CopyTo(pinned);
        return new DataKey(pinned);
    }

    /// <summary>Reads the base64 text a decryptor answers for a wrapped key.</summary>
    /// <returns><see langword="false"/> when the text is not base64 of exactly 32 bytes.</returns>
    public static bool TryFromBase64(ReadOnlySpan<char> text, out DataKey? key)
    {
        key = null;
        Span<byte> buffer = stackalloc byte[48];
        try
        {
            if (!Convert.TryFromBase64Chars(text.Trim(), buffer, out var written) || written != KeyDerivation.KeySize)
            {
                return false;
            }

            key = FromBytes(buffer[..written]);
            return true;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
        }
    }

    /// <summary>Creates a fresh random data key.</summary>
    public static DataKey Generate()
    {
        var pinned = GC.AllocateArray<byte>(KeyDerivation.KeySize, pinned: true);
        RandomNumberGenerator.Fill(pinned);
        return new DataKey(pinned);
    }

    /// <summary>The key bytes, for wrapping. Callers must not keep the span.</summary>
    public ReadOnlySpan<byte> Bytes
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _key;
        }
    }

    /// <summary>Decrypts an envelope payload (upstream CBC or v2 GCM) to UTF-8 text.</summary>
    /// <exception cref="CryptographicException">The payload was not made with this key, or was altered.</exception>
    public string DecryptPayload(ParsedCiphertext envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        if (envelope.Format is not (CiphertextFormat.V2Envelope or CiphertextFormat.UpstreamEnvelope))
        {
            throw new ArgumentException("Not an envelope.", nameof(envelope));
        }

        // The plaintext bytes live on the stack when small (no heap copy to zero later), and are zeroed either way.
        var body = envelope.Body;
        var buffer = body.Length <= StackPlaintextLimit ? stackalloc byte[StackPlaintextLimit] : new byte[body.Length];
        Span<byte> aad = envelope.ContextInPayload ? stackalloc byte[V2Layout.MaxBoundPayloadAssociatedDataSize] : default;
        int written;
        try
        {
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                written = envelope.Format == CiphertextFormat.V2Envelope
                    ? AesGcmSealer.Open(_gcm ??= new AesGcm(_key, AesGcmSealer.TagSize), body, PayloadAssociatedData(envelope.ContextInPayload ? envelope.Context : null, aad), buffer)
                    : CbcDecrypt(envelope, buffer);
            }

            return Encoding.UTF8.GetString(buffer[..written]);
        }
        finally
        {
            // A plaintext is never longer than its ciphertext.
            CryptographicOperations.ZeroMemory(buffer[..body.Length]);
        }
    }

    /// <summary>
    /// Seals a v2 envelope payload under this key, bound to <paramref name="context"/> when given (the context is then
    /// in the payload's associated data, and the envelope carries it after <see cref="CiphertextContext.PayloadSeparator"/>).
    /// </summary>
    public byte[] SealPayload(ReadOnlySpan<byte> plaintext, string? context = null)
    {
        Span<byte> aad = context is null ? default : stackalloc byte[V2Layout.MaxBoundPayloadAssociatedDataSize];
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return AesGcmSealer.Seal(_key, plaintext, PayloadAssociatedData(context, aad));
        }
    }

    /// <summary>Zeroes the key.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            CryptographicOperations.ZeroMemory(_key);
            _gcm?.Dispose();
            _aes?.Dispose();
        }
    }

    /// <summary>
    /// Copies the key into <paramref name="destination"/> (32 bytes), or returns <see langword="false"/> when it was
    /// disposed (zeroed) meanwhile: a cache may evict a key while another thread still holds it.
    /// </summary>
    public bool TryCopyTo(Span<byte> destination)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return false;
            }

            _key.CopyTo(destination);
            return true;
        }
    }

    /// <summary>Says what this is, never the key.</summary>
    public override string ToString() => "DataKey(redacted)";

    // The label alone, or the label and the context written into buffer.
    private static ReadOnlySpan<byte> PayloadAssociatedData(string? context, Span<byte> buffer) =>
        context is null ? V2Layout.PayloadAssociatedData : buffer[..V2Layout.WriteBoundPayloadAssociatedData(context, buffer)];

    private int CbcDecrypt(ParsedCiphertext envelope, Span<byte> destination)
    {
        _aes ??= AesCbc.Create(_key);

        return _aes.DecryptCbc(envelope.Body, envelope.Iv, destination, PaddingMode.PKCS7);
    }
}
