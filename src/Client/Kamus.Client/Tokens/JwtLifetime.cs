using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;

namespace Kamus.Client.Tokens;

/// <summary>
/// Reads the <c>iat</c> and <c>exp</c> claims of a JWT, without validating it (the server does that), to know when a
/// rotated token is due. Reads nothing else and keeps nothing of the token.
/// </summary>
internal static class JwtLifetime
{
    /// <summary>The share of a token's lifetime after which the kubelet rotates a projected token.</summary>
    public const double RefreshShare = 0.8;

    public static bool TryRead(string token, out DateTimeOffset? issuedAt, out DateTimeOffset expiresAt)
    {
        issuedAt = null;
        expiresAt = default;
        var parts = token.Split('.');
        if (parts.Length != 3 || parts[1].Length == 0 || parts[1].Length > 16 * 1024)
        {
            return false;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(Base64Url.GetMaxDecodedLength(parts[1].Length));
        try
        {
            if (Base64Url.DecodeFromChars(parts[1], buffer, out _, out var written) != OperationStatus.Done)
            {
                return false;
            }

            long? iat = null;
            long? exp = null;
            var reader = new Utf8JsonReader(buffer.AsSpan(0, written));
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isExp = reader.ValueTextEquals("exp"u8);
                var isIat = reader.ValueTextEquals("iat"u8);
                reader.Read();
                if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var seconds))
                {
                    if (isExp)
                    {
                        exp = seconds;
                    }
                    else if (isIat)
                    {
                        iat = seconds;
                    }
                }
                else
                {
                    reader.Skip();
                }
            }

            if (exp is null)
            {
                return false;
            }

            expiresAt = DateTimeOffset.FromUnixTimeSeconds(exp.Value);
            issuedAt = iat is null ? null : DateTimeOffset.FromUnixTimeSeconds(iat.Value);
            return true;
        }
        catch (Exception e) when (e is JsonException or ArgumentOutOfRangeException)
        {
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
        }
    }

    /// <summary>When a token read at <paramref name="readAt"/> is due for a re-read: at 80% of its lifetime.</summary>
    public static DateTimeOffset RefreshAt(DateTimeOffset? issuedAt, DateTimeOffset expiresAt, DateTimeOffset readAt)
    {
        var start = issuedAt is { } iat && iat <= readAt ? iat : readAt;
        var lifetime = expiresAt - start;
        return lifetime <= TimeSpan.Zero ? readAt : start + (lifetime * RefreshShare);
    }
}
