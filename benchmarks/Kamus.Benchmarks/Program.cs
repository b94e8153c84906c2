using BenchmarkDotNet.Running;

// `dotnet run -c Release --project benchmarks/Kamus.Benchmarks -- --filter '*'` runs every suite;
// see benchmarks/README.md for the suites, the machine and the results.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
