namespace Kamus.Server.Endpoints;

/// <summary><c>GET /api/v1/isAlive</c> (upstream's path, answers <c>true</c>) and <c>GET /healthz</c> (answers <c>ok</c>).</summary>
internal static class HealthEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/isAlive", static context =>
        {
            context.Response.ContentType = "application/json; charset=utf-8";
            return context.Response.WriteAsync("true");
        });
        app.MapGet("/healthz", static context => HttpAnswers.WriteTextAsync(context, StatusCodes.Status200OK, "ok"));
    }
}
