using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Kamus.Server.Configuration;

namespace Kamus.Server.Endpoints;

/// <summary>Reading request bodies within the limits, and writing the short answers.</summary>
internal static class HttpAnswers
{
    private const string TextPlain = "text/plain; charset=utf-8";

    /// <summary>Reads a JSON body, or says which status to answer (413 too large, 400 malformed).</summary>
    public static async ValueTask<(T? Body, int Status, string? Message)> ReadJsonAsync<T>(HttpContext context, JsonTypeInfo<T> type, LimitsOptions limits)
        where T : class
    {
        if (context.Request.ContentLength > limits.MaxRequestBodyBytes)
        {
            return (null, StatusCodes.Status413PayloadTooLarge, ErrorMessages.TooLarge);
        }

        try
        {
            var body = await JsonSerializer.DeserializeAsync(context.Request.Body, type, context.RequestAborted).ConfigureAwait(false);
            return body is null ? (null, StatusCodes.Status400BadRequest, ErrorMessages.MalformedBody) : (body, StatusCodes.Status200OK, null);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, StatusCodes.Status413PayloadTooLarge, ErrorMessages.TooLarge);
        }
        catch (JsonException)
        {
            return (null, StatusCodes.Status400BadRequest, ErrorMessages.MalformedBody);
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
