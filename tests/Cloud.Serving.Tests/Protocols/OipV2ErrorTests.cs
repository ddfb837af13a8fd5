using Cloud.Serving.Tensors;
using Microsoft.ML.OnnxRuntime;
using static Cloud.Serving.Tests.Protocols.Codec;
using static Cloud.TestSupport.OnnxModelBuilder;

namespace Cloud.Serving.Tests.Protocols;

/// <summary>Every way an /infer body can be refused, with the exact message the client gets.</summary>
public sealed class OipV2ErrorTests
{
    private const string A = """{"name": "a", "shape": [1, 4], "datatype": "FP32", "data": [1, 2, 3, 4]}""";

    public static TheoryData<string, string> Errors => new()
    {
        { "", "Request body is empty." },
        { """{"inputs": [""", "Request body is not valid JSON: The JSON ends before every object and list in it is closed (line 1, byte 13)." },
        { "[]", "Request body must be a JSON object." },
        { """{"id": "x"}""", "The request has no \"inputs\"." },
        { """{"inputs": {"a": [1, 2, 3, 4]}}""", "\"inputs\" must be a list of tensors." },
        { $$"""{"inputs": [{{A}}], "inputs": [{{A}}]}""", "The request gives \"inputs\" twice." },
        { """{"inputs": [[1, 2, 3, 4]]}""", "Input 0 in \"inputs\" must be an object." },
        { """{"inputs": [{"shape": [1, 4], "datatype": "FP32", "data": [1, 2, 3, 4]}]}""", "Input 0 in \"inputs\" has no \"name\"." },
        { """{"inputs": [{"name": 7, "shape": [1, 4], "datatype": "FP32", "data": [1, 2, 3, 4]}]}""", "Input 0 in \"inputs\" has no \"name\"." },
        { """{"inputs": [{"name": "c", "shape": [1, 4], "datatype": "FP32", "data": [1, 2, 3, 4]}]}""", "Unknown input 'c'; the model's inputs are: a, b." },
        { $$"""{"inputs": [{{A}}]}""", "Missing input 'b'." },
        { $$"""{"inputs": [{{A}}, {{A}}]}""", "Input 'a' is given twice." },
        { """{"inputs": [{"name": "a", "shape": [1, 4], "data": [1, 2, 3, 4]}]}""", "Input 'a' has no \"datatype\"." },
        { """{"inputs": [{"name": "a", "shape": [1, 4], "datatype": 32, "data": [1, 2, 3, 4]}]}""", "Input 'a': \"datatype\" must be a string." },
        { """{"inputs": [{"name": "a", "shape": [1, 4], "datatype": "FLOAT", "data": [1, 2, 3, 4]}]}""", "Input 'a' has unknown datatype 'FLOAT'; the datatypes are: BOOL, UINT8, UINT16, UINT32, UINT64, INT8, INT16, INT32, INT64, FP16, FP32, FP64, BYTES, BF16." },
        { """{"inputs": [{"name": "a", "shape": [1, 4], "datatype": "BF16", "data": [1, 2, 3, 4]}]}""", "Input 'a' expects datatype FP32; got BF16." },
        { """{"inputs": [{"name": "a", "shape": [1, 4], "datatype": "FP64", "data": [1, 2, 3, 4]}]}""", "Input 'a' expects datatype FP32; got FP64." },
        { """{"inputs": [{"name": "a", "datatype": "FP32", "data": [1, 2, 3, 4]}]}""", "Input 'a' has no \"shape\"." },
        { """{"inputs": [{"shape": [1, -4], "name": "a", "datatype": "FP32", "data": [1, 2, 3, 4]}]}""", "Input 'a': \"shape\" must be a list of non-negative integers." },
        { """{"inputs": [{"name": "a", "shape": "1x4", "datatype": "FP32", "data": [1, 2, 3, 4]}]}""", "Input 'a': \"shape\" must be a list of non-negative integers." },
        { """{"inputs": [{"name": "a", "shape": [1, 4.5], "datatype": "FP32", "data": [1, 2, 3, 4]}]}""", "Input 'a': \"shape\" must be a list of non-negative integers." },
        { """{"inputs": [{"name": "a", "shape": [100000, 100000], "datatype": "FP32", "data": [1, 2, 3, 4]}]}""", "Input 'a': \"shape\" must be a list of non-negative integers." },
        { """{"inputs": [{"name": "a", "shape": [4], "datatype": "FP32", "data": [1, 2, 3, 4]}]}""", "Input 'a' expects FP32 [-1,4]; got shape [4]." },
        { """{"inputs": [{"name": "a", "shape": [2, 2], "datatype": "FP32", "data": [1, 2, 3, 4]}]}""", "Input 'a' expects FP32 [-1,4]; got shape [2,2]." },
        { """{"inputs": [{"name": "a", "shape": [1, 4], "datatype": "FP32"}]}""", "Input 'a' has no \"data\"." },
        { """{"inputs": [{"name": "a", "shape": [1, 4], "datatype": "FP32", "data": 1}]}""", "Input 'a': \"data\" must be a list." },
        { """{"inputs": [{"name": "a", "shape": [1, 4], "datatype": "FP32", "data": [1, 2, 3]}]}""", "Input 'a' has shape [1,4] (4 values) but its \"data\" holds 3." },
        { """{"inputs": [{"name": "a", "shape": [1, 4], "datatype": "FP32", "data": [[1, 2], [3, 4], [5]]}]}""", "Input 'a' has shape [1,4] (4 values) but its \"data\" holds 5." },
        { """{"inputs": [{"data": [1, 2, 3], "name": "a", "shape": [1, 4], "datatype": "FP32"}]}""", "Input 'a' has shape [1,4] (4 values) but its \"data\" holds 3." },
        { """{"inputs": [{"name": "a", "shape": [1, 4], "datatype": "FP32", "data": [1, 2, "x", 4]}]}""", "Input 'a' expects FP32 values; data[2] is the string \"x\"." },
        { $$"""{"id": 5, "inputs": [{{A}}]}""", "\"id\" must be a string." },
        { $$"""{"outputs": {"name": "sum"}, "inputs": [{{A}}]}""", "\"outputs\" must be a list of objects with a \"name\"." },
        { $$"""{"outputs": ["sum"], "inputs": [{{A}}]}""", "\"outputs\" must be a list of objects with a \"name\"." },
        { $$"""{"outputs": [{"name": "product"}], "inputs": [{{A}}]}""", "Unknown output 'product'; the model's outputs are: sum, diff." },
        { $$"""{"outputs": [{"name": "sum"}, {"name": "sum"}], "inputs": [{{A}}]}""", "Output 'sum' is requested twice." },
        { $$$"""{"outputs": [{"parameters": {}}], "inputs": [{{{A}}}]}""", "Output 0 in \"outputs\" has no \"name\"." },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public void ErrorsNameTheProblem(string body, string message) => Assert.Equal(message, V2Error(TestModels.AddFloat, body));

    [Fact]
    public void OutOfRangeValuesNameTheDataIndex()
    {
        var model = TestModels.Identity("uint8");

        Assert.Equal(
            "Input 'x' expects UINT8 values; data[4] is 300, outside UINT8's range 0 to 255.",
            V2Error(model, """{"inputs": [{"name": "x", "shape": [2, 3], "datatype": "UINT8", "data": [[1, 2, 3], [4, 300, 6]]}]}"""));
    }

    [Fact]
    public void AFixedBatchDimensionIsPartOfTheShapeCheck()
    {
        var model = TestModels.Built(new Input("x", TensorElementType.Float, 1L, 2L));

        Assert.Equal("Input 'x' expects FP32 [1,2]; got shape [2,2].", V2Error(model, """{"inputs": [{"name": "x", "shape": [2, 2], "datatype": "FP32", "data": [1, 2, 3, 4]}]}"""));
    }
}
