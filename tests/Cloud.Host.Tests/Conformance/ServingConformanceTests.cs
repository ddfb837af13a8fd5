using System.Collections.Concurrent;
using System.Diagnostics;
using Cloud.Host.Tests.Http;
using Cloud.TestSupport.Conformance;
using Xunit.Abstractions;

namespace Cloud.Host.Tests.Conformance;

/// <summary>
/// Every ONNX backend test case of libonnx-testdata pushed through the real local host (in memory) and called
/// through Open Inference Protocol v2 (JSON, the binary tensor data extension, and gRPC with raw contents) and TF
/// Serving REST (columnar, where its JSON can express the case), outputs
/// compared with the case's expected outputs (issue 15, item 5). Two bars: no 5xx over the whole suite (outside
/// <see cref="KnownServerErrors"/>), and every case of each protocol's ratchet (serving-passing.txt for OIP v2,
/// tf-passing.txt for TF Serving REST, binary-passing.txt and grpc-passing.txt for issue 23's forms) still passing; the report says how many more pass, to extend the lists.
/// The report, with the binding-level count beside the end-to-end counts, goes to the test output and to
/// TestResults/serving-conformance.txt; TestResults/serving-passing.txt and tf-passing.txt are the lists as this
/// run would write them.
/// </summary>
public sealed class ServingConformanceTests(ITestOutputHelper output)
{
    // Uploads and registrations wait on the store and the registry (SQLite) as much as on the CPU, so a few more
    // cases than cores keep both busy.
    private static readonly int Parallelism = Environment.ProcessorCount * 2;

    // As the binding-level suite: one ORT thread per session, the cases running beside each other give the parallelism.
    private static readonly Microsoft.ML.OnnxRuntime.SessionOptions Options = new() { IntraOpNumThreads = 1, InterOpNumThreads = 1 };

    [BackendTestDataFact]
    public async Task BackendCasesPassEndToEndWithoutServerErrors()
    {
        var cases = BackendTestData.Folders
            .Where(folder => Directory.Exists(Path.Combine(BackendTestData.Root, folder)))
            .SelectMany(folder => BackendTestCase.Discover(BackendTestData.Root, folder))
            .ToList();
        await using var host = await ServingHost.StartAsync(
            // A case's JSON body reaches 12 MB (pytorch-converted/test_MaxPool2d_stride_padding_dilation: 1M floats);
            // the 10 MB default is a deployment's limit, not the protocol's.
            ("Cloud:Serving:MaxRequestBodyBytes", (64 << 20).ToString(System.Globalization.CultureInfo.InvariantCulture)),
            // Every upload registers through the management API; the store scanner would only list a thousand folders again.
            ("Cloud:Local:ScanInterval", "01:00:00"),
            // Refused requests are the suite's data, reported below; their log lines would only slow the host.
            ("Logging:LogLevel:Default", "Error"));

        using var channel = host.CreateGrpcChannel();
        var runner = new ServingCaseRunner(host.Client, channel, Options);
        var results = new ConcurrentBag<ServingCaseResult>();
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = Parallelism },
            async (testCase, cancellationToken) => results.Add(await runner.RunAsync(testCase, cancellationToken)));
        var ordered = results.OrderBy(r => r.Case.Id, StringComparer.Ordinal).ToList();
        var protocols = ConformanceProtocol.All.Select(p => new ProtocolReport(p, ordered, ExpectedToPass(p))).ToList();
        var report = new ServingConformanceReport(ordered, protocols, clock.Elapsed, Parallelism);

        var resultsFolder = Path.Combine(AppContext.BaseDirectory, "TestResults");
        Directory.CreateDirectory(resultsFolder);
        var text = report.ToString();
        File.WriteAllText(Path.Combine(resultsFolder, "serving-conformance.txt"), text);
        foreach (var protocol in protocols)
        {
            File.WriteAllLines(Path.Combine(resultsFolder, protocol.Protocol.PassingFile), protocol.PassingList);
        }

        output.WriteLine($"Report written to {resultsFolder}/serving-conformance.txt; the passing lists as this run would write them: " +
            string.Join(", ", protocols.Select(p => $"{resultsFolder}/{p.Protocol.PassingFile}")));
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

        foreach (var protocol in protocols)
        {
            if (protocol.Regressions is { Count: > 0 } regressions)
            {
                problems.Add($"{regressions.Count} cases of {protocol.Protocol.PassingFile} no longer pass end to end through {protocol.Protocol.Name}:\n{string.Join("\n", regressions)}");
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n\n", problems));
    }

    /// <summary>A protocol's ratchet: the cases listed in its file beside this class, one id a line, # for comments.</summary>
    private static HashSet<string> ExpectedToPass(ConformanceProtocol protocol) =>
        File.ReadLines(Repo.File("tests", "Cloud.Host.Tests", "Conformance", protocol.PassingFile))
            .Select(line => line.Trim())
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .ToHashSet(StringComparer.Ordinal);
}
