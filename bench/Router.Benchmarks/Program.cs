using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Router.Benchmarks -- --filter '*'           (all, default job)
// dotnet run -c Release --project bench/Router.Benchmarks -- --filter '*' --job short   (quicker)
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

public partial class Program;
