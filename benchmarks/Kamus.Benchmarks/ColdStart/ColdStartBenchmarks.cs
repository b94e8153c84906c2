using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Kamus.Benchmarks.Infrastructure;

namespace Kamus.Benchmarks.ColdStart;

/// <summary>
/// Suite 4: cold start, fresh processes side by side. Each variant is an app (benchmarks/ColdStartApps) started anew
/// for every measurement against the real Kamus.Server on loopback, in this process. The first setup runs the
/// interleaved campaign (<see cref="ColdStartCampaign"/>: rounds of every variant in a shuffled order, medians, the
/// columns Main→read, Process, Over floor, JIT methods, JIT time and Assemblies). Then BenchmarkDotNet's ColdStart
/// strategy times a few more fresh processes per variant, one after another (its Mean: the whole process, seen from here).
/// </summary>
[Config(typeof(ColdStartConfig))]
public class ColdStartBenchmarks
{
    /// <summary>Interleaved rounds of the full run (CI: one).</summary>
    private const int Rounds = 9;

    /// <summary>Overrides <see cref="Rounds"/> and the CI mode's one round, and lists JIT-compiled methods even with <c>--ci</c> (for example 3 while trying a change).</summary>
    private const string RoundsVariable = "KAMUS_BENCH_COLD_ROUNDS";

    private static readonly Lock Gate = new();
    private static ColdStartFixture? _fixture;

    /// <summary>The app and what it does.</summary>
    [ParamsAllValues]
    public ColdStartVariant Variant { get; set; }

    [GlobalSetup]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "BenchmarkDotNet calls the setup on the benchmark instance.")]
    public void Setup()
    {
        // Every case runs in this process (in-process toolchain): one server and one campaign for all of them.
        lock (Gate)
        {
            if (_fixture is null)
            {
                _fixture = ColdStartFixture.Create();
                AppDomain.CurrentDomain.ProcessExit += (_, _) => _fixture.Dispose();
                // CI: one round, nothing more. A developer trying a change: --ci with a few rounds, the JIT listing included.
                var asked = int.TryParse(Environment.GetEnvironmentVariable(RoundsVariable), out var value) && value > 0;
                ColdStartCampaign.Run(_fixture, asked ? value : Metrics.IsCiMode ? 1 : Rounds, thorough: asked || !Metrics.IsCiMode);
            }
        }
    }

    /// <summary>One fresh process of the variant, to its exit.</summary>
    [Benchmark]
    public double FreshProcess() => _fixture!.Run(Variant).ProcessMs;

    private sealed class ColdStartConfig : ManualConfig
    {
        public ColdStartConfig()
        {
            // The measured code runs in child processes: this one only drives them, so it may be the host process. A
            // mutator: applied over the run's own job (Program), whose settings would otherwise win.
            AddJob(new Job()
                .WithStrategy(RunStrategy.ColdStart)
                .WithLaunchCount(1)
                .WithWarmupCount(0)
                .WithIterationCount(Metrics.IsCiMode ? 1 : 5)
                .WithToolchain(InProcessEmitToolchain.Instance)
                .AsMutator());
            AddColumn(new KamusMetricColumn("Main→read", "Median over the interleaved rounds: the app's first line of Main to its configuration read in full"));
            AddColumn(new KamusMetricColumn("Process", "Median over the interleaved rounds: process start to exit, runtime start-up included"));
            AddColumn(new KamusMetricColumn("Over floor", "Main→read above the floor of the same N (console) or CreateBuilder alone (web), and the ratio"));
            AddColumn(new KamusMetricColumn("JIT methods", "Median methods JIT-compiled from Main to the configuration read"));
            AddColumn(new KamusMetricColumn("JIT time", "Median time the JIT spent on them"));
            AddColumn(new KamusMetricColumn("Assemblies", "Median assemblies loaded when the configuration had been read"));
            AddColumn(new KamusMetricColumn("Later builds", "Repeat variants: median over the rounds of each process's median build after its first"));
            WithOrderer(new BenchmarkDotNet.Order.DefaultOrderer(BenchmarkDotNet.Order.SummaryOrderPolicy.Declared));
        }
    }
}
