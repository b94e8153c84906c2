using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Kamus.Testing.Kubernetes;

/// <summary>How the stand-in answers: a JSON body with a status code, as the API server does (a <c>Status</c> for errors).</summary>
internal static class ApiAnswers
{
    public static Task WriteAsync(HttpContext context, int code, JsonObject body)
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }

    public static Task WriteStatusAsync(HttpContext context, int code, string reason, string message) =>
        WriteAsync(context, code, ApiStatusException.Status(code, reason, message));
}
