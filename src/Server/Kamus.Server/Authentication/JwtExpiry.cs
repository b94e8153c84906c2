using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;

namespace Kamus.Server.Authentication;

/// <summary>
/// Reads the <c>exp</c> claim of a token that is a JWT. Only used to bound the review cache: the token itself has been
/// verified by the Kubernetes API, so its signature is not checked here.
/// </summary>
internal static class JwtExpiry
{
    /// <summary>The expiry, when the token is a JWT with a numeric <c>exp</c> claim.</summary>
    public static DateTimeOffset? Read(ReadOnlySpan<char> token)
    {
        var first = token.IndexOf('.');
        if (first <= 0)
        {
            return null;
        }

        var rest = token[(first + 1)..];
        var second = rest.IndexOf('.');
        if (second <= 0)
        {
            return null;
        }

        var payload = rest[..second];
        if (!Base64Url.IsValid(payload, out var length) || length > 8192)
        {
            return null;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            if (Base64Url.DecodeFromChars(payload, buffer, out _, out var written) != OperationStatus.Done)
            {
                return null;
            }

            return ReadExp(buffer.AsSpan(0, written));
        }
        finally
        {
            Array.Clear(buffer);
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static DateTimeOffset? ReadExp(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isExp = reader.ValueTextEquals("exp"u8);
                if (!reader.Read())
                {
                    return null;
                }

                if (isExp)
                {
                    return reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var seconds) && seconds is > 0 and < 253402300799
                        ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                        : null;
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
        }

        return null;
    }
}
