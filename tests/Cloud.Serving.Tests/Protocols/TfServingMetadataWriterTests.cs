using Cloud.Serving.Protocols.TfServing;
using static Cloud.Serving.Tests.Protocols.Codec;

namespace Cloud.Serving.Tests.Protocols;

public sealed class TfServingMetadataWriterTests
{
    [Fact]
    public void ModelStatusListsEachVersionWithItsStateAndStatus()
    {
        TfVersionStatus[] versions = [new("1.0.0", TfModelState.Available), new("2.0.0", TfModelState.Loading), new("0.9.0", TfModelState.End, "UNKNOWN", "model.onnx failed its checksum")];

        Assert.Equal(
            """{"model_version_status":[{"version":"1.0.0","state":"AVAILABLE","status":{"error_code":"OK","error_message":""}},"""
            + """{"version":"2.0.0","state":"LOADING","status":{"error_code":"OK","error_message":""}},"""
            + """{"version":"0.9.0","state":"END","status":{"error_code":"UNKNOWN","error_message":"model.onnx failed its checksum"}}]}""",
            Write(w => TfServingMetadataWriter.WriteModelStatus(w, versions)));
    }

    [Fact]
    public void MetadataIsTheModelAsOnePredictSignature()
    {
        Assert.Equal(
            """{"model_spec":{"name":"iris","signature_name":"","version":"1.0.0"},"metadata":{"signature_def":{"signature_def":{"serving_default":"""
            + """{"inputs":{"features":{"dtype":"DT_FLOAT","tensor_shape":{"dim":[{"size":"-1","name":"batch"},{"size":"4","name":""}],"unknown_rank":false},"name":"features"}}"""
            + ""","outputs":{"probabilities":{"dtype":"DT_FLOAT","tensor_shape":{"dim":[{"size":"-1","name":"batch"},{"size":"3","name":""}],"unknown_rank":false},"name":"probabilities"}"""
            + ""","label":{"dtype":"DT_INT64","tensor_shape":{"dim":[{"size":"-1","name":"batch"}],"unknown_rank":false},"name":"label"}}"""
            + ""","method_name":"tensorflow/serving/predict"}}}}}""",
            Write(w => TfServingMetadataWriter.WriteMetadata(w, TestModels.Iris)));
    }

    [Theory]
    [InlineData("float", "DT_FLOAT")]
    [InlineData("double", "DT_DOUBLE")]
    [InlineData("float16", "DT_HALF")]
    [InlineData("int8", "DT_INT8")]
    [InlineData("uint8", "DT_UINT8")]
    [InlineData("int16", "DT_INT16")]
    [InlineData("int32", "DT_INT32")]
    [InlineData("int64", "DT_INT64")]
    [InlineData("bool", "DT_BOOL")]
    [InlineData("string", "DT_STRING")]
    public void ElementTypesAreNamedAsTensorFlowDataTypes(string type, string dtype) =>
        Assert.Contains($$"""{"x":{"dtype":"{{dtype}}",""", Write(w => TfServingMetadataWriter.WriteMetadata(w, TestModels.Identity(type))), StringComparison.Ordinal);

    [Theory]
    [InlineData(TensorElementType.UInt16, "DT_UINT16")]
    [InlineData(TensorElementType.UInt32, "DT_UINT32")]
    [InlineData(TensorElementType.UInt64, "DT_UINT64")]
    [InlineData(TensorElementType.BFloat16, "DT_BFLOAT16")]
    public void UnsignedWideTypesAreNamedToo(TensorElementType type, string dtype) => Assert.Equal(dtype, TfDataTypes.Name(type));
}
