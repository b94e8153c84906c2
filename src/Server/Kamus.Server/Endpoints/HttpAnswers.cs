using System.IO.Pipelines;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Kamus.Server.Configuration;

namespace Kamus.Server.Endpoints;

/// <summary>Reading request bodies within the limits, and writing the short answers.</summary>
internal static class HttpAnswers
{
    private const string TextPlain = "text/plain; charset=utf-8";

    /// <summary>
    /// Reads a JSON body of at most <see cref="LimitsOptions.MaxRequestBodyBytes"/>, or says which status to answer
    /// (413 too large, 400 malformed: not the expected JSON, a duplicate property, or anything but whitespace after it). An oversized body is read and discarded up to <see cref="DrainLimit"/> first,
    /// so the client has finished sending and reliably sees the 413 rather than a reset connection.
    /// </summary>
    public static async ValueTask<(T? Body, int Status, string? Message)> ReadJsonAsync<T>(HttpContext context, JsonTypeInfo<T> type, LimitsOptions limits)
        where T : class
    {
        var limit = limits.MaxRequestBodyBytes;
        var reader = context.Request.BodyReader;
        var cancellationToken = context.RequestAborted;
        try
        {
            if (context.Request.ContentLength > limit)
            {
                await DrainAsync(reader, 0, DrainLimit(limits), cancellationToken);
                return (null, StatusCodes.Status413PayloadTooLarge, ErrorMessages.TooLarge);
            }

            ReadResult result;
            while (true)
            {
                result = await reader.ReadAsync(cancellationToken);
                if (result.IsCompleted || result.Buffer.Length > limit)
                {
                    break;
                }

                reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            }

            var buffer = result.Buffer;
            if (buffer.Length > limit)
            {
                var seen = buffer.Length;
                reader.AdvanceTo(buffer.End);
                if (!result.IsCompleted)
                {
                    await DrainAsync(reader, seen, DrainLimit(limits), cancellationToken);
                }

                return (null, StatusCodes.Status413PayloadTooLarge, ErrorMessages.TooLarge);
            }

            try
            {
                var json = new Utf8JsonReader(buffer);
                var body = JsonSerializer.Deserialize(ref json, type);

                // One JSON value and nothing after it but whitespace (Read throws on anything else): a body with trailing
                // data could mean one thing here and another to a proxy or log reader in front of the server.
                return body is null || json.Read() ? (null, StatusCodes.Status400BadRequest, ErrorMessages.MalformedBody) : (body, StatusCodes.Status200OK, null);
            }
            catch (JsonException)
            {
                return (null, StatusCodes.Status400BadRequest, ErrorMessages.MalformedBody);
            }
            finally
            {
                reader.AdvanceTo(buffer.End);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, StatusCodes.Status413PayloadTooLarge, ErrorMessages.TooLarge);
        }
    }

    /// <summary>The most bytes of an oversized body read and discarded before answering 413 (also Kestrel's hard limit).</summary>
    public static long DrainLimit(LimitsOptions limits) => limits.MaxRequestBodyBytes > long.MaxValue / 4 ? long.MaxValue : limits.MaxRequestBodyBytes * 4;

    private static async Task DrainAsync(PipeReader reader, long seen, long drainLimit, CancellationToken cancellationToken)
    {
        while (seen <= drainLimit)
        {
            var result = await reader.ReadAsync(cancellationToken);
            seen += result.Buffer.Length;
            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return;
            }
        }
    }

    /// <summary>Writes a short text answer.</summary>
    public static Task WriteTextAsync(HttpContext context, int status, string text)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = TextPlain;
        return context.Response.WriteAsync(text, context.RequestAborted);
    }

    /// <summary>Writes a JSON answer.</summary>
    public static Task WriteJsonAsync<T>(HttpContext context, T value, JsonTypeInfo<T> type)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json; charset=utf-8";
        return JsonSerializer.SerializeAsync(context.Response.Body, value, type, context.RequestAborted);
    }
}
