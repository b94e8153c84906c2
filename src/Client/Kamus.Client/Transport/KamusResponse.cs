using System.Net;
using System.Net.Http.Headers;

namespace Kamus.Client.Transport;

/// <summary>
/// One HTTP answer, read whole inside its attempt (so that a slow or truncated body counts against the attempt and is
/// retried). The body may hold a plaintext: this type never prints it.
/// </summary>
internal sealed record KamusResponse(HttpStatusCode Status, string Body, MediaTypeHeaderValue? ContentType, TimeSpan? RetryAfter)
{
    /// <summary>The URL that answered (scheme, host, port, path), for error messages.</summary>
    public string? Url { get; init; }

    public bool IsSuccess => (int)Status is >= 200 and < 300;

    /// <summary>The answer as a text value (see <see cref="ResponseText"/>).</summary>
    public string Text => ResponseText.Read(Body, ContentType);

    public override string ToString() => $"KamusResponse({(int)Status})";
}
