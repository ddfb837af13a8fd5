using Cloud.Serving;
using Cloud.Serving.Protocols.OipV2;
using Cloud.Serving.Tensors;
using static Cloud.Serving.Tests.Protocols.Codec;

namespace Cloud.Serving.Tests.Protocols;

public sealed class OipV2WriterTests
{
    private static readonly InferenceResponse AddOutputs = new([
        Dense("sum", new[] { 2f, 4f, 6f, 8f, 1.5f, 2.5f, 3.5f, 4.5f }, 2, 4),
        Dense("diff", new[] { 0f, 0f, 0f, 0f, -0.5f, 0.5f, 1.5f, 2.5f }, 2, 4),
    ]);

    [Fact]
    public void InferResponsesEchoTheIdAndWriteFlatData() =>
        Assert.Equal(
            """{"model_name":"add","model_version":"2.0.0","id":"req-42","outputs":["""
            + """{"name":"sum","shape":[2,4],"datatype":"FP32","data":[2,4,6,8,1.5,2.5,3.5,4.5]},"""
            + """{"name":"diff","shape":[2,4],"datatype":"FP32","data":[0,0,0,0,-0.5,0.5,1.5,2.5]}]}""",
            Write(w => OipV2ResponseWriter.WriteInferResponse(w, TestModels.AddFloat, "req-42", AddOutputs)));

    [Fact]
    public void InferResponsesWithoutAnIdLeaveItOut() =>
        Assert.Equal(
            """{"model_name":"iris","model_version":"1.0.0","outputs":[{"name":"label","shape":[2],"datatype":"INT64","data":[0,2]},"""
            + """{"name":"names","shape":[2,1],"datatype":"BYTES","data":["setosa","virginica"]}]}""",
            Write(w => OipV2ResponseWriter.WriteInferResponse(w, TestModels.Iris, null, new InferenceResponse([
                Dense("label", new[] { 0L, 2L }, 2),
                new("names", new StringTensor(["setosa", "virginica"], [2, 1])),
            ]))));

    [Fact]
    public void ADecodedRequestsIdComesBackInItsResponse()
    {
        var decoded = V2(TestModels.Identity("float"), """{"id": "abc", "inputs": [{"name": "x", "shape": [1, 3], "datatype": "FP32", "data": [[1, 2, 3]]}]}""");
        var response = new InferenceResponse([new("y", Input(decoded.Request, "x"))]);

        Assert.Equal(
            """{"model_name":"identity","model_version":"1.0.0","id":"abc","outputs":[{"name":"y","shape":[1,3],"datatype":"FP32","data":[1,2,3]}]}""",
            Write(w => OipV2ResponseWriter.WriteInferResponse(w, TestModels.Identity("float"), decoded.Id, response)));
    }

    [Fact]
    public void ServerMetadataNamesCloud()
    {
        Assert.Equal("""{"name":"cloud","version":"0.3.0","extensions":["binary_tensor_data"]}""", Write(w => OipV2MetadataWriter.WriteServerMetadata(w, "0.3.0")));
        Assert.Equal("""{"name":"cloud","version":"0.3.0","extensions":["model_repository"]}""", Write(w => OipV2MetadataWriter.WriteServerMetadata(w, "0.3.0", ["model_repository"])));
    }

    [Fact]
    public void ModelMetadataListsVersionsAndTheSignatureWithFreeDimensionsAsMinusOne()
    {
        Assert.Equal(
            """{"name":"iris","versions":["1.0.0","0.9.0"]"""
            + ""","platform":"onnx_onnxv1","inputs":[{"name":"features","datatype":"FP32","shape":[-1,4]}]"""
            + ""","outputs":[{"name":"probabilities","datatype":"FP32","shape":[-1,3]},{"name":"label","datatype":"INT64","shape":[-1]}],"parameters":{"batchable":true}}""",
            Write(w => OipV2MetadataWriter.WriteModelMetadata(w, TestModels.Iris, ["1.0.0", "0.9.0"])));
        Assert.StartsWith("""{"name":"add","versions":["2.0.0"],""", Write(w => OipV2MetadataWriter.WriteModelMetadata(w, TestModels.AddFloat)), StringComparison.Ordinal);
    }
}
