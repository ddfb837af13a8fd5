using Cloud.Serving;
using Cloud.Serving.Models;
using Cloud.Serving.Tensors;
using Microsoft.ML.OnnxRuntime;
using static Cloud.TestSupport.OnnxModelBuilder;

namespace Cloud.Serving.Tests.Models;

/// <summary>A request that is not rows runs as one call with its own shapes, and its outputs are never cut.</summary>
public sealed class UnstackedRunTests
{
    [Fact]
    public async Task ABroadcastingAddReturnsTheSums()
    {
        using var session = new InferenceSession(Binary("Add", new Input("a", TensorElementType.Float, 3L, 4L), new Input("b", TensorElementType.Float, 4L)));
        var a = Enumerable.Range(0, 12).Select(i => (float)i).ToArray();
        float[] b = [100, 200, 300, 400];
        var request = new InferenceRequest(null, [new NamedTensor("a", Tensor.Create(a, 3, 4)), new NamedTensor("b", Tensor.Create(b, 4))]);

        var result = Assert.Single(await new SessionBatchExecutor(session).ExecuteAsync([request], 1, CancellationToken.None));

        var z = (DenseTensor<float>)Assert.Single(result.Outputs).Value;
        Assert.Equal([3L, 4L], z.Shape);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => i + b[i % 4]), z.ToArray());
    }

    [Fact]
    public async Task AModelWithoutInputsRunsOnNothing()
    {
        using var session = new InferenceSession(Constant([1.5f, -2f, 7f], 3));

        var result = Assert.Single(await new SessionBatchExecutor(session).ExecuteAsync([new InferenceRequest(null, [])], 1, CancellationToken.None));

        Assert.Equal([1.5f, -2f, 7f], ((DenseTensor<float>)Assert.Single(result.Outputs).Value).ToArray());
    }

    [Fact]
    public async Task AnEmptyTensorGivesAnEmptyOutput()
    {
        using var session = new InferenceSession(Identity(new Input("x", TensorElementType.Float, "batch", 4L)));
        var request = new InferenceRequest(null, [new NamedTensor("x", Tensor.Create(Array.Empty<float>(), 0, 4))]);

        var result = Assert.Single(await new SessionBatchExecutor(session).ExecuteAsync([request], 1, CancellationToken.None));

        var y = Assert.Single(result.Outputs).Value;
        Assert.Equal([0L, 4L], y.Shape);
        Assert.Equal(0, y.ElementCount);
    }

    [Fact]
    public async Task AScalarInputBroadcastsOverTheOther()
    {
        using var session = new InferenceSession(Binary("Add", new Input("x", TensorElementType.Float, "n"), new Input("s", TensorElementType.Float)));
        var request = new InferenceRequest(null, [new NamedTensor("x", Tensor.Create(new[] { 1f, 2f, 3f }, 3)), new NamedTensor("s", Tensor.Create(new[] { 10f }))]);

        var result = Assert.Single(await new SessionBatchExecutor(session).ExecuteAsync([request], 1, CancellationToken.None));

        Assert.Equal([11f, 12f, 13f], ((DenseTensor<float>)Assert.Single(result.Outputs).Value).ToArray());
    }
}
