using System.Diagnostics.Tracing;

namespace Kamus.ColdStart;

/// <summary>
/// Diagnostic runs only (never timed): lists the methods the JIT compiles, by the runtime's own events, so that the
/// report can say whose code a variant compiles. Started on the first line of Main when <see cref="FileVariable"/> names
/// a file; the list is written there, one <c>Type::Method</c> per line, after the measured region, and next to it
/// (<c>.loads</c>) each assembly loaded with the frames that loaded it.
/// </summary>
internal sealed class JitLog : EventListener
{
    public const string FileVariable = "KAMUS_COLD_START_JIT_LIST";

    private const EventKeywords JitKeyword = (EventKeywords)0x10;
    private const int MethodLoadVerbose = 143;

    private readonly List<string> _methods = [];
    private readonly Lock _gate = new();

    private readonly List<string> _loads = [];

    private JitLog()
    {
        // Which code loaded each assembly: the innermost frames of the load, the first of ours marked.
        AppDomain.CurrentDomain.AssemblyLoad += (_, args) =>
        {
            var frames = new System.Diagnostics.StackTrace(1, false).GetFrames()
                .Select(f => f.GetMethod())
                .Where(m => m?.DeclaringType is not null && m.DeclaringType.Namespace?.StartsWith("System.Runtime", StringComparison.Ordinal) != true)
                .Select(m => $"{m!.DeclaringType!.FullName}::{m.Name}")
                .Take(6);
            lock (_gate)
            {
                _loads.Add($"{args.LoadedAssembly.GetName().Name} <- {string.Join(" <- ", frames)}");
            }
        };
    }

    public static JitLog? StartIfAsked() =>
        Environment.GetEnvironmentVariable(FileVariable) is { Length: > 0 } ? new JitLog() : null;

    /// <summary>Waits for the runtime's events to arrive (they are dispatched from a session buffer), then writes them.</summary>
    public void Write()
    {
        Thread.Sleep(1500);
        lock (_gate)
        {
            File.WriteAllLines(Environment.GetEnvironmentVariable(FileVariable)!, _methods);
            File.WriteAllLines(Environment.GetEnvironmentVariable(FileVariable)! + ".loads", _loads);
        }
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, JitKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventId != MethodLoadVerbose || eventData.PayloadNames is not { } names)
        {
            return;
        }

        var type = eventData.Payload![names.IndexOf("MethodNamespace")] as string;
        var method = eventData.Payload![names.IndexOf("MethodName")] as string;
        lock (_gate)
        {
            _methods.Add($"{type}::{method}");
        }
    }
}
