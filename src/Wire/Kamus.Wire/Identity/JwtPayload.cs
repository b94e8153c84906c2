using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;

namespace Kamus.Wire.Identity;

/// <summary>
/// Reads the <c>iat</c> and <c>exp</c> claims of a service-account token that is a JWT, without validating it: the
/// Kubernetes API does that. The client uses it to know when a rotated token is due, the server to bound its review
/// cache. Reads nothing else and keeps nothing of the token (the decoded payload is cleared).
/// </summary>
internal static class JwtPayload
{
    /// <summary>The longest payload read, decoded; service-account tokens are about 1 KiB.</summary>
    private const int MaxPayloadBytes = 12 * 1024;

    /// <summary>The last second <see cref="DateTimeOffset"/> can hold (9999-12-31T23:59:59Z).</summary>
    private const long MaxUnixSeconds = 253_402_300_799;

    /// <summary>The expiry of <paramref name="token"/>, when it is a JWT with a numeric <c>exp</c> claim.</summary>
    public static DateTimeOffset? ReadExpiry(ReadOnlySpan<char> token) =>
        TryReadLifetime(token, out _, out var expiresAt) ? expiresAt : null;

    /// <summary>
    /// Reads <c>exp</c> (required) and <c>iat</c> (when present) of a JWS compact token (<c>header.payload.signature</c>).
    /// </summary>
    /// <returns><see langword="false"/> for an opaque token, a malformed payload or no usable <c>exp</c>.</returns>
    public static bool TryReadLifetime(ReadOnlySpan<char> token, out DateTimeOffset? issuedAt, out DateTimeOffset expiresAt)
    {
        issuedAt = null;
        expiresAt = default;
        if (!TrySplitPayload(token, out var payload) || !Base64Url.IsValid(payload, out var length) || length is 0 or > MaxPayloadBytes)
        {
            return false;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            return Base64Url.DecodeFromChars(payload, buffer, out _, out var written) == OperationStatus.Done
                && TryReadClaims(buffer.AsSpan(0, written), out issuedAt, out expiresAt);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
        }
    }

    /// <summary>The middle of exactly three dot-separated parts, none of them empty but the signature's.</summary>
    private static bool TrySplitPayload(ReadOnlySpan<char> token, out ReadOnlySpan<char> payload)
    {
        payload = default;
        var first = token.IndexOf('.');
        if (first <= 0)
        {
            return false;
        }

        var rest = token[(first + 1)..];
        var second = rest.IndexOf('.');
        if (second <= 0 || rest[(second + 1)..].Contains('.'))
        {
            return false;
        }

        payload = rest[..second];
        return true;
    }

    private static bool TryReadClaims(ReadOnlySpan<byte> json, out DateTimeOffset? issuedAt, out DateTimeOffset expiresAt)
    {
        issuedAt = null;
        expiresAt = default;
        DateTimeOffset? exp = null;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isExp = reader.ValueTextEquals("exp"u8);
                var isIat = reader.ValueTextEquals("iat"u8);
                if (!reader.Read())
                {
                    return false;
                }

                if ((isExp || isIat) && TryReadSeconds(ref reader) is { } time)
                {
                    if (isExp)
                    {
                        exp = time;
                    }
                    else
                    {
                        issuedAt = time;
                    }
                }
                else
                {
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            return false;
        }

        if (exp is null)
        {
            issuedAt = null;
            return false;
        }

        expiresAt = exp.Value;
        return true;
    }

    private static DateTimeOffset? TryReadSeconds(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var seconds) && seconds is > 0 and <= MaxUnixSeconds
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;
}
