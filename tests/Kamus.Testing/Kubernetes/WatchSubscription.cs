using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Kamus.Testing.Kubernetes;

/// <summary>One open watch: which objects it wants, and the lines (one JSON event each) waiting to be written.</summary>
internal sealed class WatchSubscription(ApiResource resource, string? @namespace, LabelSelector selector, bool bookmarks) : IDisposable
{
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _aborted = new();

    public ApiResource Resource { get; } = resource;

    public bool Bookmarks { get; } = bookmarks;

    /// <summary>The resourceVersion of the last event written (what a 410 message reports).</summary>
    public long LastVersion { get; set; }

    public ChannelReader<string> Lines => _lines.Reader;

    /// <summary>Cancelled when the connection is to be dropped without ending the response.</summary>
    public CancellationToken Aborted => _aborted.Token;

    public bool Matches(JsonObject item) =>
        (@namespace is null || item["metadata"]?["namespace"]?.GetValue<string>() == @namespace) && selector.Matches(item);

    public void Offer(ObjectStore.Change change)
    {
        if (change.Resource == Resource && Matches(change.Object))
        {
            LastVersion = change.Version;
            Write(WatchLines.Event(change.Type, change.Object));
        }
    }

    public void Write(string line) => _lines.Writer.TryWrite(line);

    public void Complete() => _lines.Writer.TryComplete();

    public void Abort()
    {
        _aborted.Cancel();
        Complete();
    }

    public void Dispose() => _aborted.Dispose();
}
