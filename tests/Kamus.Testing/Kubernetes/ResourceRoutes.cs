using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Kamus.Testing.Kubernetes;

/// <summary>
/// The REST paths of the resources in an <see cref="ObjectStore"/>, as the API server lays them out:
/// <c>/api/v1/namespaces/{ns}/{plural}[/{name}]</c>, <c>/apis/{group}/{version}/namespaces/{ns}/{plural}[/{name}[/status]]</c>,
/// and the all-namespaces collections <c>/api/v1/{plural}</c> and <c>/apis/{group}/{version}/{plural}</c>.
/// Watches (<c>?watch=true</c>) stream one JSON event per line, honour <c>resourceVersion</c>,
/// <c>allowWatchBookmarks</c> and <c>timeoutSeconds</c>, and send a bookmark every <see cref="WatchOptions.BookmarkInterval"/>.
/// </summary>
internal sealed class ResourceRoutes(ObjectStore store, WatchOptions watchOptions, Func<TimeProvider> time, ApiRequestLog log)
{
    public void Map(WebApplication app)
    {
        app.Map("/api/{**path}", context => HandleAsync(context, core: true));
        app.Map("/apis/{**path}", context => HandleAsync(context, core: false));
    }

    private async Task HandleAsync(HttpContext context, bool core)
    {
        var request = Parse(context, core);
        if (request is null)
        {
            await ApiAnswers.WriteStatusAsync(context, 404, "NotFound", "the server could not find the requested resource");
            return;
        }

        var (resource, @namespace, name, status, verb) = request.Value;
        try
        {
            if (log.Intercept?.Invoke(new ApiRequest(verb, resource.Group, resource.Plural, status ? "status" : null, @namespace, name)) is { } refusal)
            {
                throw refusal;
            }

            switch (verb)
            {
                case "watch":
                    log.Record(verb, resource, @namespace, name, status, 200);
                    await WatchAsync(context, resource, @namespace);
                    return;
                case "list":
                    await ApiAnswers.WriteAsync(context, 200, ListBody(context, resource, @namespace));
                    break;
                case "get":
                    await ApiAnswers.WriteAsync(context, 200, store.Get(resource, @namespace!, name!) ?? throw ApiStatusException.NotFound(resource, name!));
                    break;
                case "create":
                    await ApiAnswers.WriteAsync(context, 201, store.Create(resource, @namespace!, await ReadObjectAsync(context)));
                    break;
                case "update":
                    await ApiAnswers.WriteAsync(context, 200, store.Replace(resource, @namespace!, name!, await ReadObjectAsync(context), status));
                    break;
                case "patch":
                    var contentType = context.Request.ContentType ?? "";
                    if (!contentType.StartsWith("application/merge-patch+json", StringComparison.Ordinal) && !contentType.StartsWith("application/strategic-merge-patch+json", StringComparison.Ordinal))
                    {
                        throw new ApiStatusException(415, "UnsupportedMediaType", $"the stand-in only models merge patches, not {contentType}");
                    }

                    await ApiAnswers.WriteAsync(context, 200, store.Patch(resource, @namespace!, name!, await ReadObjectAsync(context), status));
                    break;
                case "delete":
                    var options = context.Request.ContentLength is > 0 ? await ReadObjectAsync(context) : [];
                    store.Delete(resource, @namespace!, name!, options["preconditions"]?["uid"]?.GetValue<string>(), options["preconditions"]?["resourceVersion"]?.GetValue<string>(),
                        options["propagationPolicy"]?.GetValue<string>() ?? context.Request.Query["propagationPolicy"].FirstOrDefault() ?? "Background");
                    await ApiAnswers.WriteAsync(context, 200, new JsonObject { ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = "Success", ["details"] = new JsonObject { ["name"] = name, ["kind"] = resource.Plural } });
                    break;
                default:
                    throw new ApiStatusException(405, "MethodNotAllowed", $"the server does not allow this method on the requested resource");
            }

            log.Record(verb, resource, @namespace, name, status, context.Response.StatusCode);
        }
        catch (ApiStatusException e)
        {
            log.Record(verb, resource, @namespace, name, status, e.Code);
            await ApiAnswers.WriteAsync(context, e.Code, e.ToStatus());
        }
    }

    private JsonObject ListBody(HttpContext context, ApiResource resource, string? @namespace)
    {
        var query = context.Request.Query;
        var limit = int.TryParse(query["limit"], CultureInfo.InvariantCulture, out var value) ? value : (int?)null;
        var (items, version, next) = store.List(resource, @namespace, LabelSelector.Parse(query["labelSelector"], query["fieldSelector"]), limit, query["continue"]);
        var array = new JsonArray();
        foreach (var item in items)
        {
            if (resource.IsBuiltIn)
            {
                // The real API server leaves kind and apiVersion out of the items of built-in lists.
                item.Remove("kind");
                item.Remove("apiVersion");
            }

            array.Add(item);
        }

        var metadata = new JsonObject { ["resourceVersion"] = version };
        if (next is not null)
        {
            metadata["continue"] = next;
        }

        return new JsonObject { ["kind"] = resource.Kind + "List", ["apiVersion"] = resource.ApiVersion, ["metadata"] = metadata, ["items"] = array };
    }

    private async Task WatchAsync(HttpContext context, ApiResource resource, string? @namespace)
    {
        var query = context.Request.Query;
        var watcher = store.Watch(resource, @namespace, query["resourceVersion"], LabelSelector.Parse(query["labelSelector"], query["fieldSelector"]),
            query["allowWatchBookmarks"] == "true" || query["allowWatchBookmarks"] == "1");
        var clock = time();
        var deadline = int.TryParse(query["timeoutSeconds"], CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? clock.GetUtcNow().AddSeconds(seconds)
            : DateTimeOffset.MaxValue;
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        await context.Response.StartAsync(context.RequestAborted);
        try
        {
            while (true)
            {
                var wait = deadline - clock.GetUtcNow();
                if (wait <= TimeSpan.Zero)
                {
                    return;
                }

                if (watchOptions.BookmarkInterval < wait)
                {
                    wait = watchOptions.BookmarkInterval;
                }

                using var timeout = new CancellationTokenSource(wait, clock);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, context.RequestAborted, watcher.Aborted);
                bool more;
                try
                {
                    more = await watcher.Lines.WaitToReadAsync(linked.Token);
                }
                catch (OperationCanceledException) when (timeout.IsCancellationRequested && !watcher.Aborted.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
                {
                    store.Bookmark(watcher);
                    continue;
                }

                if (!more)
                {
                    return;
                }

                while (watcher.Lines.TryRead(out var line))
                {
                    await context.Response.WriteAsync(line + "\n", context.RequestAborted);
                }

                await context.Response.Body.FlushAsync(context.RequestAborted);
            }
        }
        catch (OperationCanceledException) when (watcher.Aborted.IsCancellationRequested)
        {
            context.Abort();
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away.
        }
        finally
        {
            store.Unsubscribe(watcher);
            watcher.Dispose();
        }
    }

    // (resource, namespace, name, status subresource, verb), or null when the path names no resource served.
    private (ApiResource Resource, string? Namespace, string? Name, bool Status, string Verb)? Parse(HttpContext context, bool core)
    {
        var segments = (context.Request.RouteValues["path"] as string ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
        var group = core ? "" : segments.ElementAtOrDefault(0) ?? "";
        var rest = segments.AsSpan(core ? 0 : 1);
        if (rest.Length < 2)
        {
            return null;
        }

        var version = rest[0];
        rest = rest[1..];
        string? @namespace = null;
        if (rest.Length >= 3 && rest[0] == "namespaces")
        {
            @namespace = rest[1];
            rest = rest[2..];
        }

        if (rest.Length is 0 or > 3 || (rest.Length == 3 && rest[2] != "status") || (@namespace is null && rest.Length > 1))
        {
            return null;
        }

        var plural = rest[0];
        var resource = store.Resources.FirstOrDefault(r => r.Group == group && r.Version == version && r.Plural == plural);
        if (resource is null || (rest.Length == 3 && !resource.HasStatusSubresource))
        {
            return null;
        }

        var name = rest.Length > 1 ? rest[1] : null;
        var method = context.Request.Method;
        var watch = context.Request.Query["watch"] is var w && (w == "true" || w == "1");
        var verb = (method, name) switch
        {
            ("GET", null) => watch ? "watch" : "list",
            ("GET", _) => "get",
            ("POST", null) => "create",
            ("PUT", not null) => "update",
            ("PATCH", not null) => "patch",
            ("DELETE", not null) => "delete",
            _ => "unsupported",
        };
        return (resource, @namespace, name, rest.Length == 3, verb);
    }

    private static async Task<JsonObject> ReadObjectAsync(HttpContext context)
    {
        try
        {
            return await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted) as JsonObject
                ?? throw ApiStatusException.BadRequest("the body is not a JSON object");
        }
        catch (JsonException)
        {
            throw ApiStatusException.BadRequest("the body is not JSON");
        }
    }
}
