using Kamus.Server.Diagnostics;

namespace Kamus.Server.Endpoints;

/// <summary>
/// The global exception handler: any unexpected failure is answered with a short text (never a stack trace) and
/// logged by exception type only, since messages of low-level exceptions may quote input.
/// </summary>
internal sealed class ErrorShieldMiddleware(RequestDelegate next, ILogger<ErrorShieldMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The caller went away; nothing to answer.
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            var status = e.StatusCode == StatusCodes.Status413PayloadTooLarge ? e.StatusCode : StatusCodes.Status400BadRequest;
            await HttpAnswers.WriteTextAsync(context, status, status == StatusCodes.Status413PayloadTooLarge ? ErrorMessages.TooLarge : ErrorMessages.MalformedBody);
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            KamusServerLog.Unexpected(logger, e.GetType().FullName ?? "?", context.Request.Path);
            context.Response.Clear();
            await HttpAnswers.WriteTextAsync(context, StatusCodes.Status500InternalServerError, ErrorMessages.InternalError);
        }
    }
}
