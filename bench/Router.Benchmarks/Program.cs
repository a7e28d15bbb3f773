using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Router.Benchmarks -- --filter '*'           (all, default job)
// dotnet run -c Release --project bench/Router.Benchmarks -- --filter '*' --job short   (quicker)
// Not typeof(Program): Router.Host (referenced for the ingest benchmarks) has a public Program of its own.
BenchmarkSwitcher.FromAssembly(typeof(Router.Benchmarks.FrameBenchmarks).Assembly).Run(args);
