using System.Diagnostics;
using Xunit.Abstractions;

using Cloud.Serving.Models;
using Cloud.Serving.Tensors;
using Microsoft.ML.OnnxRuntime;

using Cloud.TestSupport.Conformance;

namespace Cloud.Serving.Tests.Conformance;

/// <summary>
/// Runs every ONNX backend test case of libonnx-testdata (onnx 1.12) through the serving code's SessionRunner and the ONNX Runtime package, and holds the
/// results to three bars: no failure outside <see cref="KnownFailures"/>, every known failure still failing, and
/// most cases passing. The full report goes to the test output and to TestResults/onnx-conformance.txt.
/// </summary>
public sealed class OnnxBackendConformanceTests(ITestOutputHelper output)
{
    // At least this share of all cases must pass; unsupported ones count against it, so that a serving or ORT
    // regression that turns passes into "unsupported" is caught as well.
    private const double MinimumPassedShare = 0.85;

    // One ORT thread per session and one session per core: many small models gain nothing from intra-op threads,
    // and they would only compete with the cases running beside them.
    private static readonly Microsoft.ML.OnnxRuntime.SessionOptions Options = new() { IntraOpNumThreads = 1, InterOpNumThreads = 1 };

    [Fact]
    public void MissingDebianPackageIsNamedInTheSkipReason()
    {
        Assert.Equal(
            "libonnx-testdata is not installed (apt-get install libonnx-testdata); the ONNX backend conformance cases come from it",
            BackendTestData.MissingReasonFor(BackendTestData.DebianRoot));
        Assert.Contains("CLOUD_ONNX_TESTDATA is '/elsewhere'", BackendTestData.MissingReasonFor("/elsewhere"), StringComparison.Ordinal);
    }

    [BackendTestDataFact]
    public void EveryBackendCasePassesOrIsAKnownFailure()
    {
        var cases = BackendTestData.Folders
            .Where(folder => Directory.Exists(Path.Combine(BackendTestData.Root, folder)))
            .SelectMany(folder => BackendTestCase.Discover(BackendTestData.Root, folder))
            .ToList();
        var results = new CaseResult[cases.Count];
        var parallelism = Environment.ProcessorCount;
        var clock = Stopwatch.StartNew();
        Parallel.For(0, cases.Count, new ParallelOptions { MaxDegreeOfParallelism = parallelism },
            i => results[i] = ConformanceRunner.Run(cases[i], Options));
        var report = new ConformanceReport(results, clock.Elapsed, parallelism);

        var text = report.ToString();
        var reportPath = Path.Combine(AppContext.BaseDirectory, "TestResults", "onnx-conformance.txt");
        Directory.CreateDirectory(Path.GetDirectoryName(reportPath)!);
        File.WriteAllText(reportPath, text);
        output.WriteLine($"Report written to {reportPath}");
        output.WriteLine(text);

        // Every bar is checked before asserting, so one run lists all that is wrong.
        var problems = new List<string>();
        if (cases.Count == 0)
        {
            problems.Add($"No cases (folders with model.onnx) under {BackendTestData.Root}/{{{string.Join(",", BackendTestData.Folders)}}}.");
        }

        var unexpected = report.UnexpectedFailures;
        if (unexpected.Count > 0)
        {
            problems.Add($"{unexpected.Count} cases failed that KnownFailures does not list:\n" +
                string.Join("\n", unexpected.Select(r => $"{r.Case.Id}: {r.Reason}")));
        }

        if (report.StaleKnownFailures is { Count: > 0 } stale)
        {
            problems.Add($"{stale.Count} KnownFailures entries no longer fail; remove them:\n{string.Join("\n", stale)}");
        }

        if (report.StaleToleranceOverrides is { Count: > 0 } staleTolerances)
        {
            problems.Add($"{staleTolerances.Count} ToleranceOverrides entries name cases that were not run; remove them:\n" +
                string.Join("\n", staleTolerances));
        }

        var passed = report.Count(CaseOutcome.Passed);
        if (passed < MinimumPassedShare * cases.Count)
        {
            problems.Add($"Only {passed} of {cases.Count} cases passed; at least {MinimumPassedShare:P0} must.");
        }

        Assert.True(problems.Count == 0, $"{string.Join("\n\n", problems)}\n\nFull report: {reportPath}");
    }
}
