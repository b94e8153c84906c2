using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Kamus.Benchmarks.Infrastructure;

// Every suite: `dotnet run -c Release --project benchmarks/Kamus.Benchmarks -- --filter '*'`.
// CI smoke run (each benchmark once, in-process, a few minutes at most): add `--ci`.
// See benchmarks/README.md for the suites, the machine and the results.
var ci = args.Contains("--ci");
args = [.. args.Where(a => a != "--ci")];
if (ci)
{
    Environment.SetEnvironmentVariable("KAMUS_BENCH_CI", "1");
}

// Full run: a fixed number of iterations (BenchmarkDotNet's adaptive default can take up to 100 on a noisy machine).
// CI: every benchmark once, in-process, only to prove the suites still run; its timings mean nothing.
var config = DefaultConfig.Instance.AddJob(ci
    ? Job.Dry.WithToolchain(InProcessEmitToolchain.Instance).AsDefault()
    : Job.Default.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(15).AsDefault());

// Benchmarks record figures (remote calls, server allocations) into this file; the summary columns read it.
var artifacts = Path.GetFullPath(config.ArtifactsPath ?? "BenchmarkDotNet.Artifacts");
Directory.CreateDirectory(artifacts);
var metrics = Path.Combine(artifacts, "kamus-metrics.tsv");
File.Delete(metrics);
Environment.SetEnvironmentVariable(Metrics.FileVariable, metrics);

BenchmarkSwitcher.FromAssembly(typeof(Kamus.Benchmarks.LocalDecryptBenchmarks).Assembly).Run(args, config);
