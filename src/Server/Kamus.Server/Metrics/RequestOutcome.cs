namespace Kamus.Server.Metrics;

/// <summary>The <c>outcome</c> tag of a request: what kind of answer its status code is (a fixed, small set).</summary>
internal static class RequestOutcome
{
    /// <summary>The outcome of an answer with status <paramref name="status"/>.</summary>
    public static string Of(int status) => status switch
    {
        < 400 => "ok",
        StatusCodes.Status401Unauthorized => "unauthenticated",
        StatusCodes.Status403Forbidden => "forbidden",
        StatusCodes.Status413PayloadTooLarge => "too_large",
        StatusCodes.Status429TooManyRequests => "rate_limited",
        StatusCodes.Status503ServiceUnavailable => "unavailable",
        StatusCodes.Status422UnprocessableEntity or StatusCodes.Status400BadRequest or StatusCodes.Status415UnsupportedMediaType => "bad_request",
        StatusCodes.Status404NotFound or StatusCodes.Status405MethodNotAllowed => "not_found",
        < 500 => "client_error",
        _ => "server_error",
    };
}
