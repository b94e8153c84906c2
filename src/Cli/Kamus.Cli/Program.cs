using Kamus.Cli;

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // First Ctrl+C cancels the run cleanly (no half-written file); a second one kills the process.
    e.Cancel = !cancellation.IsCancellationRequested;
    cancellation.Cancel();
};

return await KamusCli.RunAsync(args, Console.In, Console.Out, Console.Error, CliEnvironment.FromProcess(), cancellation.Token);
