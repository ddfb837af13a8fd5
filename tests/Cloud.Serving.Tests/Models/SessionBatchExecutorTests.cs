using Cloud.Serving;
using Cloud.Serving.Batching;
using Cloud.Serving.Models;
using Cloud.Serving.Tensors;
using Microsoft.ML.OnnxRuntime;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cloud.Serving.Tests.Models;

/// <summary>Merged runs give every request exactly what it would get alone.</summary>
public sealed class SessionBatchExecutorTests : IDisposable
{
    private readonly InferenceSession _iris = new InferenceSession(Path.Combine(Repo.IrisFolder, "model.onnx"));
    private readonly InferenceSession _widths = new InferenceSession(SampleModels.Tiny("unknown_dims.onnx"));

    public void Dispose()
    {
        _iris.Dispose();
        _widths.Dispose();
    }

    [Fact]
    public async Task MergedRowsGiveEachRequestItsUnbatchedAnswer()
    {
        var random = new Random(3);
        var requests = Enumerable.Range(0, 12).Select(_ => IrisRequest(random, 1 + random.Next(5))).ToArray();
        var executor = new SessionBatchExecutor(_iris);

        var merged = await executor.ExecuteAsync(requests, requests.Sum(r => r.Rows!.Value), CancellationToken.None);

        for (var i = 0; i < requests.Length; i++)
        {
            AssertSameAsAlone(_iris, requests[i], merged[i]);
        }
    }

    [Fact]
    public async Task PaddingRowsAreDropped()
    {
        var random = new Random(4);
        var requests = new[] { IrisRequest(random, 2), IrisRequest(random, 3) };

        var merged = await new SessionBatchExecutor(_iris).ExecuteAsync(requests, paddedRows: 8, CancellationToken.None);

        Assert.Equal([2L, 3L], merged[0].Outputs[0].Value.Shape);
        Assert.Equal([3L, 3L], merged[1].Outputs[0].Value.Shape);
        AssertSameAsAlone(_iris, requests[0], merged[0]);
        AssertSameAsAlone(_iris, requests[1], merged[1]);
    }

    [Fact]
    public async Task RequestsWhoseRowsDifferInShapeRunInSeparateGroups()
    {
        // unknown_dims takes [?, width, 5]: rows of width 2 and width 3 cannot be stacked into one tensor.
        var narrow = WidthRequest(rows: 2, width: 2, seed: 1);
        var wide = WidthRequest(rows: 1, width: 3, seed: 2);
        var narrowToo = WidthRequest(rows: 3, width: 2, seed: 3);

        var merged = await new SessionBatchExecutor(_widths).ExecuteAsync([narrow, wide, narrowToo], 6, CancellationToken.None);

        AssertSameAsAlone(_widths, narrow, merged[0]);
        AssertSameAsAlone(_widths, wide, merged[1]);
        AssertSameAsAlone(_widths, narrowToo, merged[2]);
    }

    [Fact]
    public async Task ThroughTheBatcherConcurrentCallersGetTheirOwnRows()
    {
        await using var batcher = new MicroBatcher<InferenceRequest, InferenceResponse>(new SessionBatchExecutor(_iris),
            new BatchingOptions { MaxBatchSize = 16, NumBatchThreads = 2, MaxEnqueuedBatches = 64 }, TimeProvider.System, NullLogger.Instance, "iris test");

        var callers = Enumerable.Range(0, 32).Select(c => Task.Run(async () =>
        {
            var random = new Random(100 + c);
            for (var i = 0; i < 20; i++)
            {
                var request = IrisRequest(random, 1 + random.Next(3));
                AssertSameAsAlone(_iris, request, await batcher.SubmitAsync(request, CancellationToken.None));
            }
        }));
        await Task.WhenAll(callers);

        var statistics = batcher.GetStatistics();
        Assert.Equal(32 * 20, statistics.Items);
        Assert.True(statistics.Batches < statistics.Items, $"{statistics.Batches} batches for {statistics.Items} requests: nothing was merged");
    }

    private static InferenceRequest IrisRequest(Random random, int rows)
    {
        var data = Enumerable.Range(0, rows * 4).Select(_ => (float)(4 + (random.NextDouble() * 3))).ToArray();
        return new InferenceRequest(rows, [new NamedTensor("features", Tensor.Create(data, rows, 4))]);
    }

    private static InferenceRequest WidthRequest(int rows, int width, int seed)
    {
        var random = new Random(seed);
        var data = Enumerable.Range(0, rows * width * 5).Select(_ => (float)random.NextDouble()).ToArray();
        return new InferenceRequest(rows, [new NamedTensor("x", Tensor.Create(data, rows, width, 5))]);
    }

    private static void AssertSameAsAlone(InferenceSession session, InferenceRequest request, InferenceResponse response)
    {
        var alone = new SessionRunner(session).Run(request.Inputs, request.OutputNames);
        Assert.Equal(alone.Select(o => o.Name), response.Outputs.Select(o => o.Name));
        for (var i = 0; i < alone.Length; i++)
        {
            Assert.Equal(alone[i].Value.Shape, response.Outputs[i].Value.Shape);
            switch (alone[i].Value)
            {
                case DenseTensor<float> f:
                    Assert.Equal(f.ToArray(), ((DenseTensor<float>)response.Outputs[i].Value).ToArray());
                    break;
                case DenseTensor<long> l:
                    Assert.Equal(l.ToArray(), ((DenseTensor<long>)response.Outputs[i].Value).ToArray());
                    break;
                default:
                    throw new InvalidOperationException($"unexpected output {alone[i].Value}");
            }
        }
    }
}
