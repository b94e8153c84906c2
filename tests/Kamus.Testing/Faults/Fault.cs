namespace Kamus.Testing.Faults;

/// <summary>
/// What the <see cref="FaultProxy"/> does to one request instead of (or on top of) forwarding it.
/// </summary>
/// <param name="Status">Answer this status without forwarding (with <paramref name="Body"/> and <paramref name="RetryAfter"/>).</param>
/// <param name="RetryAfter">A <c>Retry-After</c> header (seconds) on the answer.</param>
/// <param name="Delay">Wait this long first (the request is dropped if the client gives up meanwhile).</param>
/// <param name="ResetConnection">Abort the connection without answering.</param>
/// <param name="TruncateBody">Forward, then send only half of the upstream body under the full Content-Length and abort.</param>
/// <param name="Body">The body of a <paramref name="Status"/> answer (text/plain).</param>
/// <param name="ContentType">The content type of a <paramref name="Body"/> answer.</param>
public sealed record Fault(
    int? Status = null,
    int? RetryAfter = null,
    TimeSpan? Delay = null,
    bool ResetConnection = false,
    bool TruncateBody = false,
    string? Body = null,
    string ContentType = "text/plain; charset=utf-8")
{
    /// <summary>Forward as is.</summary>
    public static Fault None { get; } = new();

    /// <summary>Answer <paramref name="status"/>.</summary>
    public static Fault WithStatus(int status, int? retryAfter = null) => new(Status: status, RetryAfter: retryAfter);

    /// <summary>Wait, then forward.</summary>
    public static Fault Slow(TimeSpan delay) => new(Delay: delay);

    /// <summary>Abort the connection.</summary>
    public static Fault Reset { get; } = new(ResetConnection: true);

    /// <summary>Send half of the answer and abort.</summary>
    public static Fault Truncate { get; } = new(TruncateBody: true);
}
