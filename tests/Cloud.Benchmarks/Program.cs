using BenchmarkDotNet.Running;

// Non-zero exit when a benchmark failed, so run.sh stops instead of printing a table with holes.
var summaries = BenchmarkSwitcher.FromAssembly(typeof(Cloud.Benchmarks.OverheadBenchmark).Assembly).Run(args);
return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
