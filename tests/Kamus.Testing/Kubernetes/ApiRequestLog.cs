using System.Collections.Concurrent;

namespace Kamus.Testing.Kubernetes;

/// <summary>Every resource request the stand-in answered, and an optional hook that refuses chosen requests.</summary>
public sealed class ApiRequestLog
{
    private readonly ConcurrentQueue<ApiRequest> _requests = new();

    /// <summary>
    /// Called before a request is served: return a refusal (for example <c>new ApiStatusException(500, "InternalError", "...")</c>
    /// or a 403) to answer with it instead, or <see langword="null"/> to serve the request. The argument's status code is 0.
    /// </summary>
    public Func<ApiRequest, ApiStatusException?>? Intercept { get; set; }

    /// <summary>The requests answered so far, in order.</summary>
    public IReadOnlyList<ApiRequest> All => [.. _requests];

    /// <summary>How many requests match <paramref name="predicate"/>.</summary>
    public int Count(Func<ApiRequest, bool> predicate) => _requests.Count(predicate);

    /// <summary>Forgets the requests recorded so far.</summary>
    public void Clear() => _requests.Clear();

    internal void Record(string verb, ApiResource resource, string? @namespace, string? name, bool status, int code) =>
        _requests.Enqueue(new ApiRequest(verb, resource.Group, resource.Plural, status ? "status" : null, @namespace, name, code));
}
