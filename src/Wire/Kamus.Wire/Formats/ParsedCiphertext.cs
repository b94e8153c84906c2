using Kamus.Wire.Crypto.Hpke;
using Kamus.Wire.Identity;

namespace Kamus.Wire.Formats;

/// <summary>
/// A ciphertext split into its parts. Holds no secret: every part is ciphertext or public metadata.
/// </summary>
internal sealed class ParsedCiphertext
{
    internal ParsedCiphertext(CiphertextFormat format, string? keyId, byte[] iv, byte[] body, string? wrappedKey, byte[] sealedKey, string? context = null, bool contextInPayload = false)
    {
        Context = context;
        ContextInPayload = contextInPayload;
        Format = format;
        KeyId = keyId;
        Iv = iv;
        Body = body;
        WrappedKey = wrappedKey;
        SealedKey = sealedKey;
    }

    internal ParsedCiphertext(HpkeSuite suite, string keyId, byte[] encapsulatedKey, byte[] sealedMessage, string? context)
        : this(CiphertextFormat.OfflineValue, keyId, [], sealedMessage, null, [], context)
    {
        Suite = suite;
        EncapsulatedKey = encapsulatedKey;
    }

    /// <summary>The layout.</summary>
    public CiphertextFormat Format { get; }

    /// <summary>
    /// The master-key id (v2 formats) or the service account's public-key id (offline values, see <see cref="OfflineLayout.KeyId"/>);
    /// <see langword="null"/> for upstream values, which name no key.
    /// </summary>
    public string? KeyId { get; }

    /// <summary>The CBC IV (upstream formats), otherwise empty.</summary>
    public byte[] Iv { get; }

    /// <summary>
    /// The encrypted body: the CBC ciphertext (upstream AES), the envelope payload (CBC ciphertext or sealed GCM payload),
    /// or the sealed value (v2 value, offline value); empty for a bare wrapped key.
    /// </summary>
    public byte[] Body { get; }

    /// <summary>The HPKE suite of an offline value (<see langword="default"/> otherwise).</summary>
    public HpkeSuite Suite { get; }

    /// <summary>HPKE's <c>enc</c> of an offline value (the sender's ephemeral public key), otherwise empty.</summary>
    public byte[] EncapsulatedKey { get; } = [];

    /// <summary>
    /// For envelopes and bare wrapped keys: the wrapped data key as a ciphertext in its own right, which a decryptor
    /// answers with base64 of the data key. This is what the client fast path sends.
    /// </summary>
    public string? WrappedKey { get; }

    /// <summary>The sealed data key of v2 envelopes and wrapped keys, otherwise empty.</summary>
    public byte[] SealedKey { get; }

    /// <summary>The <see cref="CiphertextContext"/> a v2 value is bound to, or <see langword="null"/> when unbound (and for upstream values).</summary>
    public string? Context { get; }

    /// <summary>
    /// Whether <see cref="Context"/> is bound in the envelope's payload (<see cref="CiphertextContext.PayloadSeparator"/>)
    /// rather than in the data key's seal: the data key is then sealed unbound, shared with the other values of its
    /// batch, and <see cref="WrappedKey"/> is the unbound one.
    /// </summary>
    public bool ContextInPayload { get; }

    /// <summary>The associated data of the v2 value or data-key seal for <paramref name="identity"/>.</summary>
    public byte[] SealAssociatedData(ServiceAccountIdentity identity) => Format switch
    {
        CiphertextFormat.V2Value => V2Layout.ValueAssociatedData(KeyId!, identity, Context),
        CiphertextFormat.V2WrappedKey or CiphertextFormat.V2Envelope => V2Layout.DataKeyAssociatedData(KeyId!, identity, ContextInPayload ? null : Context),
        _ => throw new InvalidOperationException("Upstream formats carry no associated data."),
    };

    /// <summary>Names the format, key id and context only.</summary>
    public override string ToString() => KeyId is null ? Format.ToString() : Context is null ? $"{Format} (key {KeyId})" : $"{Format} (key {KeyId}, bound to {Context}{(ContextInPayload ? " in the payload" : "")})";
}
