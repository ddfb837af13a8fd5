using Cloud.Serving.Tensors;
using Microsoft.ML.OnnxRuntime;
using static Cloud.Serving.Tests.Protocols.Codec;
using static Cloud.TestSupport.OnnxModelBuilder;

namespace Cloud.Serving.Tests.Protocols;

public sealed class OipV2RequestReaderTests
{
    [Fact]
    public void FlatDataFillsEachInputAndTheIdIsKept()
    {
        var decoded = V2(TestModels.AddFloat, """
            {"id": "req-42", "parameters": {"priority": 1}, "inputs": [
              {"name": "a", "shape": [2, 4], "datatype": "FP32", "parameters": {"x": [1]}, "data": [1, 2, 3, 4, 5, 6, 7, 8]},
              {"name": "b", "shape": [2, 4], "datatype": "FP32", "data": [0.5, 0.5, 0.5, 0.5, -1, -1, -1, -1]}
            ]}
            """);

        Assert.Equal("req-42", decoded.Id);
        Assert.Equal(2, decoded.Request.Rows);
        Assert.Null(decoded.Request.OutputNames);
        Assert.Equal([2L, 4L], Shape(decoded.Request, "a"));
        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f], Values<float>(decoded.Request, "a"));
        Assert.Equal([0.5f, 0.5f, 0.5f, 0.5f, -1f, -1f, -1f, -1f], Values<float>(decoded.Request, "b"));
    }

    [Fact]
    public void NestedDataReadsRowMajorLikeFlatData()
    {
        var nested = V2(TestModels.Iris, """{"inputs": [{"name": "features", "shape": [2, 4], "datatype": "FP32", "data": [[5.1, 3.5, 1.4, 0.2], [6.2, 2.9, 4.3, 1.3]]}]}""");
        var flat = V2(TestModels.Iris, """{"inputs": [{"name": "features", "shape": [2, 4], "datatype": "FP32", "data": [5.1, 3.5, 1.4, 0.2, 6.2, 2.9, 4.3, 1.3]}]}""");

        Assert.Null(nested.Id);
        Assert.Equal([5.1f, 3.5f, 1.4f, 0.2f, 6.2f, 2.9f, 4.3f, 1.3f], Values<float>(nested.Request, "features"));
        Assert.Equal(Values<float>(flat.Request, "features"), Values<float>(nested.Request, "features"));
    }

    [Fact]
    public void DataBeforeTheNameShapeAndDatatypeIsReadOnceTheyAreKnown()
    {
        var decoded = V2(TestModels.Identity("int64"), """{"inputs": [{"data": [[1, 2, 3]], "datatype": "INT64", "shape": [1, 3], "name": "x"}], "id": "z"}""");

        Assert.Equal("z", decoded.Id);
        Assert.Equal([1L, 2L, 3L], Values<long>(decoded.Request, "x"));
    }

    [Fact]
    public void RequestedOutputsBecomeTheOutputNamesInOrder()
    {
        var decoded = V2(TestModels.AddFloat, """
            {"inputs": [{"name": "a", "shape": [1, 4], "datatype": "FP32", "data": [1, 2, 3, 4]}, {"name": "b", "shape": [1, 4], "datatype": "FP32", "data": [1, 2, 3, 4]}],
             "outputs": [{"name": "diff", "parameters": {"binary_data": false}}, {"name": "sum"}]}
            """);

        Assert.Equal(["diff", "sum"], decoded.Request.OutputNames);
    }

    [Fact]
    public void AnEmptyOutputsListAsksForEveryOutput()
    {
        var decoded = V2(TestModels.Identity("float"), """{"inputs": [{"name": "x", "shape": [1, 3], "datatype": "FP32", "data": [1, 2, 3]}], "outputs": []}""");

        Assert.Null(decoded.Request.OutputNames);
    }

    [Fact]
    public void FreeDimensionsTakeTheirSizeFromTheShape()
    {
        var model = TestModels.Built(new Input("x", TensorElementType.UInt8, "batch", "n", 2L));

        var decoded = V2(model, """{"inputs": [{"name": "x", "shape": [1, 3, 2], "datatype": "UINT8", "data": [1, 2, 3, 4, 5, 6]}]}""");

        Assert.Equal([1L, 3L, 2L], Shape(decoded.Request, "x"));
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6 }, Values<byte>(decoded.Request, "x"));
    }
}
