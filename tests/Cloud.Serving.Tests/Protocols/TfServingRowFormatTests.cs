using System.Buffers;
using System.Globalization;
using System.Text;
using Cloud.Serving.Protocols.TfServing;
using Cloud.Serving.Tensors;
using Microsoft.ML.OnnxRuntime;
using static Cloud.Serving.Tests.Protocols.Codec;
using static Cloud.TestSupport.OnnxModelBuilder;

namespace Cloud.Serving.Tests.Protocols;

public sealed class TfServingRowFormatTests
{
    private static readonly float[] IrisRow0 = [5.1f, 3.5f, 1.4f, 0.2f];
    private static readonly float[] IrisRow1 = [6.2f, 2.9f, 4.3f, 1.3f];

    [Fact]
    public void OneRowOf256FloatsBecomesA1By256Tensor()
    {
        var model = TestModels.Built(new Input("x", TensorElementType.Float, "batch", 256L));
        // Quarters are exact in binary, so the expected floats need no parsing to compute.
        var body = "{\"instances\":[[" + string.Join(",", Enumerable.Range(0, 256).Select(i => (i * 0.25).ToString(CultureInfo.InvariantCulture))) + "]]}";

        var decoded = Tf(model, body);

        Assert.Equal(TfServingFormat.Row, decoded.Format);
        Assert.Equal(1, decoded.Request.Rows);
        Assert.Equal([1L, 256L], Shape(decoded.Request, "x"));
        Assert.Equal(Enumerable.Range(0, 256).Select(i => i * 0.25f), Values<float>(decoded.Request, "x"));
        Assert.Null(decoded.Request.OutputNames);
    }

    [Fact]
    public void IrisRowsAsListsAreRowsOfTheFeaturesTensor()
    {
        var decoded = Tf(TestModels.Iris, """{"instances": [[5.1, 3.5, 1.4, 0.2], [6.2, 2.9, 4.3, 1.3]]}""");

        Assert.Equal(2, decoded.Request.Rows);
        Assert.Equal([2L, 4L], Shape(decoded.Request, "features"));
        Assert.Equal([.. IrisRow0, .. IrisRow1], Values<float>(decoded.Request, "features"));
    }

    [Fact]
    public void IrisRowsKeyedByFeatureNameAreOrderedAsTheManifestNamesThem()
    {
        var decoded = Tf(TestModels.Iris, """
            {"instances": [
              {"petal_width": 0.2, "sepal_length": 5.1, "petal_length": 1.4, "sepal_width": 3.5},
              {"sepal_length": 6.2, "sepal_width": 2.9, "petal_length": 4.3, "petal_width": 1.3}
            ]}
            """);

        Assert.Equal([2L, 4L], Shape(decoded.Request, "features"));
        Assert.Equal([.. IrisRow0, .. IrisRow1], Values<float>(decoded.Request, "features"));
    }

    [Fact]
    public void FeatureObjectsListsAndInputNamedRowsMixInOneRequest()
    {
        var decoded = Tf(TestModels.Iris, """
            {"instances": [
              {"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2},
              [6.2, 2.9, 4.3, 1.3],
              {"features": [5.1, 3.5, 1.4, 0.2]},
              {"features": {"sepal_length": 6.2, "sepal_width": 2.9, "petal_length": 4.3, "petal_width": 1.3}}
            ]}
            """);

        Assert.Equal(4, decoded.Request.Rows);
        Assert.Equal([.. IrisRow0, .. IrisRow1, .. IrisRow0, .. IrisRow1], Values<float>(decoded.Request, "features"));
    }

    [Fact]
    public void MultiInputRowsAreObjectsKeyedByInputNameInAnyOrder()
    {
        var decoded = Tf(TestModels.AddFloat, """
            {"instances": [
              {"a": [1, 2, 3, 4], "b": [5, 6, 7, 8]},
              {"b": [-1, -2, -3, -4], "a": [0.5, 1.5, 2.5, 3.5]}
            ]}
            """);

        Assert.Equal(2, decoded.Request.Rows);
        Assert.Equal([2L, 4L], Shape(decoded.Request, "a"));
        Assert.Equal([2L, 4L], Shape(decoded.Request, "b"));
        Assert.Equal([1f, 2f, 3f, 4f, 0.5f, 1.5f, 2.5f, 3.5f], Values<float>(decoded.Request, "a"));
        Assert.Equal([5f, 6f, 7f, 8f, -1f, -2f, -3f, -4f], Values<float>(decoded.Request, "b"));
    }

    [Fact]
    public void ABatchOnlyInputTakesOneScalarPerRow()
    {
        var model = TestModels.Built(new Input("x", TensorElementType.Int64, "batch"));

        var decoded = Tf(model, """{"instances": [3, -1, 40]}""");

        Assert.Equal([3L], Shape(decoded.Request, "x"));
        Assert.Equal([3L, -1L, 40L], Values<long>(decoded.Request, "x"));
    }

    [Fact]
    public void RowsOfRankTwoAreNestedLists()
    {
        var model = TestModels.Built(new Input("x", TensorElementType.Int32, "batch", 2L, 3L));

        var decoded = Tf(model, """{"instances": [[[1, 2, 3], [4, 5, 6]], [[7, 8, 9], [10, 11, 12]]]}""");

        Assert.Equal([2L, 2L, 3L], Shape(decoded.Request, "x"));
        Assert.Equal(Enumerable.Range(1, 12).ToArray(), Values<int>(decoded.Request, "x"));
    }

    [Fact]
    public void AFreeRowDimensionTakesItsSizeFromTheData()
    {
        var model = TestModels.Built(new Input("x", TensorElementType.Float, "batch", "width", 2L));

        var decoded = Tf(model, """{"instances": [[[1, 2], [3, 4], [5, 6]], [[7, 8], [9, 10], [11, 12]]]}""");

        Assert.Equal([2L, 3L, 2L], Shape(decoded.Request, "x"));
        Assert.Equal(Enumerable.Range(1, 12).Select(i => (float)i), Values<float>(decoded.Request, "x"));
    }

    [Theory]
    [InlineData("""{"signature_name": "serving_default", "instances": [[1, 2, 3]]}""")]
    [InlineData("""{"instances": [[1, 2, 3]], "signature_name": ""}""")]
    [InlineData("""{"instances": [[1, 2, 3]], "signature_name": null}""")]
    [InlineData("""{"instances": [[1, 2, 3]], "parameters": {"confidence": [1, {"x": null}]}, "extra": "ignored"}""")]
    public void TheDefaultSignatureAndUnknownKeysAreAccepted(string body)
    {
        var decoded = Tf(TestModels.Identity("float"), body);

        Assert.Equal([1f, 2f, 3f], Values<float>(decoded.Request, "x"));
    }

    [Fact]
    public void ABodySplitAcrossSegmentsReadsLikeOneBuffer()
    {
        var bytes = Encoding.UTF8.GetBytes("""{"instances": [[1.5, 2.5, 3.5]]}""");
        var first = new Segment(bytes.AsMemory(0, 17));
        var last = first.Append(bytes.AsMemory(17));
        var sequence = new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);

        Assert.True(TfServingRequestReader.TryRead(sequence, TestModels.Identity("float"), out var request, out var error), error?.Message);

        Assert.Equal([1.5f, 2.5f, 3.5f], Values<float>(request.Request, "x"));
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
