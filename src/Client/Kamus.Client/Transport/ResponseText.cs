using System.Net.Http.Headers;
using System.Text.Json;
using Kamus.Wire.Protocol;

namespace Kamus.Client.Transport;

/// <summary>
/// Reads a text answer (a plaintext or a ciphertext) without changing the value. Upstream answers raw text; some proxies
/// and stubs label it JSON or send a JSON string. A body is unquoted only when it is labelled JSON and is a JSON string
/// literal: <c>123</c> stays <c>123</c>, <c>"a"</c> labelled text stays <c>"a"</c>.
/// </summary>
internal static class ResponseText
{
    public static string Read(string body, MediaTypeHeaderValue? contentType)
    {
        if (!IsJson(contentType?.MediaType))
        {
            return body;
        }

        var trimmed = body.AsSpan().Trim();
        if (trimmed.Length < 2 || trimmed[0] != '"' || trimmed[^1] != '"')
        {
            return body;
        }

        try
        {
            return JsonSerializer.Deserialize(trimmed, KamusProtocolJsonContext.Default.String) ?? body;
        }
        catch (JsonException)
        {
            // Looks quoted but is not one JSON string (for example "a" "b"): the raw text is the value.
            return body;
        }
    }

    private static bool IsJson(string? mediaType) =>
        mediaType is not null
        && (mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("text/json", StringComparison.OrdinalIgnoreCase));
}
