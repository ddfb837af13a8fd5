using System.Diagnostics;
using Cloud.Jobs.Evaluation;

namespace Cloud.Jobs.Tests.Evaluation;

/// <summary>Measures the managed heap, so nothing else in the test run may allocate beside it.</summary>
[CollectionDefinition(nameof(HeapMeasurement), DisableParallelization = true)]
public sealed class HeapMeasurement;

/// <summary>
/// A large dataset is streamed: the live managed heap, measured after forced collections while the pass runs, stays
/// within a few MB however large the file is. Reading the file whole (as rows of strings, or even as its bytes) would
/// hold more than the 50 MB file itself, so the bound below fails for any reader that is not streaming.
/// </summary>
[Collection(nameof(HeapMeasurement))]
public sealed class StreamingMemoryTests : IDisposable
{
    private const long FileBytes = 50_000_000;
    private const long HeapBound = 8 << 20;

    // The eight rows of ClassificationMetricTests (accuracy 5/8), repeated.
    private static readonly string[] Rows =
    [
        "0.75,0.125,0.125,a", "0.5,0.25,0.25,a", "0.25,0.625,0.125,a", "0.125,0.75,0.125,b",
        "0.25,0.5,0.25,b", "0.625,0.25,0.125,b", "0.125,0.125,0.75,c", "0.25,0.5,0.25,c",
    ];

    private readonly ValidationScratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task AFiftyMegabyteCsvIsValidatedWithinAFewMegabytesOfHeap()
    {
        var path = Path.Combine(_scratch.Folder, "big.csv");
        var rows = WriteDataset(path, FileBytes);
        var model = _scratch.Classifier(["a", "b", "c"], ["p_a", "p_b", "p_c"]);
        var spec = ValidationScratch.Spec("classification", "\"metrics\": [\"accuracy\", \"logloss\"]");
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var heap = new HeapSampler(everyRows: 100_000);
        var clock = Stopwatch.StartNew();

        var outcome = await DatasetValidation.RunAsync(File.OpenRead(path), path, spec, model, null, _scratch.Options, heap);

        Assert.Equal(rows, outcome.Rows);
        Assert.Equal(5.0 / 8, outcome.Candidate.Metrics["accuracy"], 12);
        Assert.True(heap.Samples >= 20, $"only {heap.Samples} heap samples");
        Assert.True(heap.Peak - before < HeapBound,
            $"The live heap grew by {(heap.Peak - before) / 1e6:F1} MB while streaming a {new FileInfo(path).Length / 1e6:F0} MB file ({rows:N0} rows in {clock.Elapsed.TotalSeconds:F1} s); the bound is {HeapBound / 1e6:F1} MB.");
    }

    [Fact]
    public async Task AucKeepsFourBytesPerRowPerStoredScorePlusTheLabel()
    {
        // The one metric whose memory grows with the rows (docs/jobs.md): three class scores and a label per row.
        var path = Path.Combine(_scratch.Folder, "auc.csv");
        var rows = WriteDataset(path, 10_000_000);
        var model = _scratch.Classifier(["a", "b", "c"], ["p_a", "p_b", "p_c"]);
        var spec = ValidationScratch.Spec("classification", "\"metrics\": [\"auc\"]");
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var heap = new HeapSampler(everyRows: 10_000);

        var outcome = await DatasetValidation.RunAsync(File.OpenRead(path), path, spec, model, null, _scratch.Options, heap);

        Assert.Equal(49.0 / 60, outcome.Candidate.Metrics["auc"], 9); // as in ClassificationMetricTests: each pair count scales by the repeats squared
        var kept = rows * ((3 * sizeof(float)) + sizeof(int));
        Assert.InRange(heap.Peak - before, kept * 0.9, kept + HeapBound);
    }

    private static long WriteDataset(string path, long bytes)
    {
        using var writer = new StreamWriter(path);
        writer.Write("p_a,p_b,p_c,label\n");
        long rows = 0;
        while (writer.BaseStream.Position < bytes)
        {
            foreach (var row in Rows)
            {
                writer.Write(row);
                writer.Write('\n');
            }

            rows += Rows.Length;
            writer.Flush();
        }

        return rows;
    }

    /// <summary>Forces a full collection every so many rows, on the pass's own thread, and keeps the largest live heap seen.</summary>
    private sealed class HeapSampler(long everyRows) : IProgress<long>
    {
        private long _next;

        public long Peak { get; private set; }

        public int Samples { get; private set; }

        public void Report(long value)
        {
            if (value < _next)
            {
                return;
            }

            _next = value + everyRows;
            Samples++;
            Peak = Math.Max(Peak, GC.GetTotalMemory(forceFullCollection: true));
        }
    }
}
