namespace Cloud.OnnxRuntime.Tests;

/// <summary>One session, many threads calling Run at once: every caller gets its own correct answer.</summary>
public sealed class ConcurrencyTests
{
    [Fact]
    public async Task ManyThreadsRunningOneSessionGetTheirOwnResults()
    {
        const int threads = 16, runsPerThread = 200;
        using var session = InferenceSession.Open(Samples.Tiny("add_float.onnx"), new SessionOptions { IntraOpThreads = 1 });
        using var start = new Barrier(threads);

        var workers = Enumerable.Range(0, threads).Select(t => Task.Factory.StartNew(() =>
        {
            var random = new Random(t);
            start.SignalAndWait();
            var mismatches = 0;
            for (var run = 0; run < runsPerThread; run++)
            {
                // Different batch sizes per call so buffers of different sizes interleave inside ORT.
                var rows = 1 + random.Next(32);
                var a = Enumerable.Range(0, rows * 4).Select(_ => (float)random.Next(-1000, 1000)).ToArray();
                var b = Enumerable.Range(0, rows * 4).Select(_ => (float)random.Next(-1000, 1000)).ToArray();
                var result = session.Run([new("a", Tensor.Create(a, rows, 4)), new("b", Tensor.Create(b, rows, 4))]);
                var sum = result.Get<float>("sum").Span;
                var diff = result.Get<float>("diff").Span;
                for (var i = 0; i < a.Length; i++)
                {
                    // Small integers are exact in float32, so the expected values are exact.
                    if (sum[i] != a[i] + b[i] || diff[i] != a[i] - b[i])
                    {
                        mismatches++;
                    }
                }
            }

            return mismatches;
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();

        var mismatchesPerThread = await Task.WhenAll(workers);

        Assert.All(mismatchesPerThread, m => Assert.Equal(0, m));
    }

    [Fact]
    public async Task ManyThreadsRunningIrisAgreeWithASingleThreadedRun()
    {
        using var session = InferenceSession.Open(Samples.Iris("model.onnx"));
        var rows = Enumerable.Range(0, 64).Select(i => new[] { 4.3f + (i % 36 * 0.1f), 2f + (i % 24 * 0.1f), 1f + (i % 59 * 0.1f), 0.1f + (i % 25 * 0.1f) }).ToArray();
        var expected = rows.Select(r => session.Run("features", Tensor.Create(r, 1, 4)).Get<float>("probabilities").ToArray()).ToArray();

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(() =>
            Enumerable.Range(0, 500).All(i =>
            {
                var row = (i * 7 + t) % rows.Length;
                return session.Run("features", Tensor.Create(rows[row], 1, 4)).Get<float>("probabilities").ToArray().SequenceEqual(expected[row]);
            }))));

        Assert.All(results, Assert.True);
    }
}
