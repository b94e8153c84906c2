namespace Kamus.KeyManagement.Ciphertexts;

/// <summary>Which ciphertext layout encrypt writes (<c>Kamus:Encryption:Format</c>).</summary>
internal enum CiphertextWriteFormat
{
    /// <summary>The authenticated v2 formats (<c>k2.</c> values, <c>k2e.</c> envelopes). The default.</summary>
    V2,

    /// <summary>The upstream formats (<c>iv:ct</c> values, <c>env$</c> envelopes), for consumers still on upstream Kamus.</summary>
    Upstream,
}
