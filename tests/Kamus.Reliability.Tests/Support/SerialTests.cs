namespace Kamus.Reliability.Tests.Support;

/// <summary>Tests that measure the process (memory, console, temporary files) run alone, after the parallel ones.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialTests
{
    public const string Name = "Serial (measures the process)";
}
