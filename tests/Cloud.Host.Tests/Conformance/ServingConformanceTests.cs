using System.Collections.Concurrent;
using System.Diagnostics;
using Cloud.Host.Tests.Http;
using Cloud.TestSupport.Conformance;
using Xunit.Abstractions;

namespace Cloud.Host.Tests.Conformance;

/// <summary>
/// Every ONNX backend test case of libonnx-testdata pushed through the real local host (in memory) and called
/// through Open Inference Protocol v2, outputs compared with the case's expected outputs (issue 15, item 5). Two
/// bars: no 5xx over the whole suite (outside <see cref="KnownServerErrors"/>), and every case of
/// serving-passing.txt still passing (a ratchet: the report says how many more pass, to extend the list). The
/// report, with the binding-level count beside the end-to-end count, goes to the test output and to
/// TestResults/serving-conformance.txt; TestResults/serving-passing.txt is the list as this run would write it.
/// </summary>
public sealed class ServingConformanceTests(ITestOutputHelper output)
{
    // Uploads and registrations wait on the store and the registry (SQLite) as much as on the CPU, so a few more
    // cases than cores keep both busy.
    private static readonly int Parallelism = Environment.ProcessorCount * 2;

    // As the binding-level suite: one ORT thread per session, the cases running beside each other give the parallelism.
    private static readonly Microsoft.ML.OnnxRuntime.SessionOptions Options = new() { IntraOpNumThreads = 1, InterOpNumThreads = 1 };

    private static string ExpectedToPassPath => Repo.File("tests", "Cloud.Host.Tests", "Conformance", "serving-passing.txt");

    [BackendTestDataFact]
    public async Task BackendCasesPassEndToEndWithoutServerErrors()
    {
        var cases = BackendTestData.Folders
            .Where(folder => Directory.Exists(Path.Combine(BackendTestData.Root, folder)))
            .SelectMany(folder => BackendTestCase.Discover(BackendTestData.Root, folder))
            .ToList();
        var expectedToPass = File.ReadLines(ExpectedToPassPath)
            .Select(line => line.Trim())
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .ToHashSet(StringComparer.Ordinal);

        await using var host = await ServingHost.StartAsync(
            // A case's JSON body reaches 12 MB (pytorch-converted/test_MaxPool2d_stride_padding_dilation: 1M floats);
            // the 10 MB default is a deployment's limit, not the protocol's.
            ("Cloud:Serving:MaxRequestBodyBytes", (64 << 20).ToString(System.Globalization.CultureInfo.InvariantCulture)),
            // Every upload registers through the management API; the store scanner would only list a thousand folders again.
            ("Cloud:Local:ScanInterval", "01:00:00"),
            // Refused requests are the suite's data, reported below; their log lines would only slow the host.
            ("Logging:LogLevel:Default", "Error"));

        var runner = new ServingCaseRunner(host.Client, Options);
        var results = new ConcurrentBag<ServingCaseResult>();
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = Parallelism },
            async (testCase, cancellationToken) => results.Add(await runner.RunAsync(testCase, cancellationToken)));
        var ordered = results.OrderBy(r => r.Case.Id, StringComparer.Ordinal).ToList();
        var report = new ServingConformanceReport(ordered, expectedToPass, clock.Elapsed, Parallelism);

        var resultsFolder = Path.Combine(AppContext.BaseDirectory, "TestResults");
        Directory.CreateDirectory(resultsFolder);
        var text = report.ToString();
        File.WriteAllText(Path.Combine(resultsFolder, "serving-conformance.txt"), text);
        File.WriteAllLines(Path.Combine(resultsFolder, "serving-passing.txt"), report.PassingList);
        output.WriteLine($"Report written to {resultsFolder}/serving-conformance.txt; the passing list as this run would write it: {resultsFolder}/serving-passing.txt");
        output.WriteLine(text);

        // Every bar is checked before asserting, so one run lists all that is wrong.
        var problems = new List<string>();
        if (cases.Count == 0)
        {
            problems.Add($"No cases (folders with model.onnx) under {BackendTestData.Root}/{{{string.Join(",", BackendTestData.Folders)}}}.");
        }

        if (report.UnexpectedServerErrors is { Count: > 0 } serverErrors)
        {
            problems.Add($"{serverErrors.Count} 5xx answers outside KnownServerErrors:\n{string.Join("\n", serverErrors)}");
        }

        if (report.Regressions is { Count: > 0 } regressions)
        {
            problems.Add($"{regressions.Count} cases of serving-passing.txt no longer pass end to end:\n{string.Join("\n", regressions)}");
        }

        Assert.True(problems.Count == 0, string.Join("\n\n", problems));
    }
}
