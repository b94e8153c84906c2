namespace Kamus.Cli.Terminal;

/// <summary>
/// A one-line activity display on standard error while a long call runs, shown only when standard error is a terminal
/// and the work is large enough to be worth it. It erases itself when done, so logs and pipes never see it.
/// </summary>
internal sealed class ProgressDisplay : IAsyncDisposable
{
    public const int MinimumItems = 10;

    private static readonly char[] Frames = ['|', '/', '-', '\\'];

    private readonly TextWriter _error;
    private readonly string _label;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private ProgressDisplay(TextWriter error, string label)
    {
        _error = error;
        _label = label;
        _loop = RunAsync();
    }

    /// <summary>Starts a display, or returns <see langword="null"/> when none should be shown.</summary>
    public static ProgressDisplay? Start(CliConsole console, int items, string label) =>
        console.Environment.IsErrorTerminal && items >= MinimumItems ? new ProgressDisplay(console.ErrorStream, label) : null;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        var frame = 0;
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                await _error.WriteAsync($"\r{Frames[frame++ % Frames.Length]} {_label}");
                await _error.FlushAsync();
                await Task.Delay(TimeSpan.FromMilliseconds(120), _stop.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        // Carriage return + erase line.
        await _error.WriteAsync("\r\u001b[K");
        await _error.FlushAsync();
    }
}
