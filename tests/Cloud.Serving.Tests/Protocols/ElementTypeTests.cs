using Cloud.Serving;
using Cloud.Serving.Protocols;
using Cloud.Serving.Protocols.OipV2;
using Cloud.Serving.Protocols.TfServing;
using Cloud.Serving.Tensors;
using Microsoft.ML.OnnxRuntime;
using static Cloud.Serving.Tests.Protocols.Codec;
using static Cloud.TestSupport.OnnxModelBuilder;

namespace Cloud.Serving.Tests.Protocols;

/// <summary>
/// Every element type our binding supports, through both protocols: a row is read into the typed tensor
/// (values written out by hand), then the same tensor is written back and compared as text.
/// </summary>
public sealed class ElementTypeTests
{
    [Fact]
    public void Float32ValuesRoundTrip() => RoundTrip(TestModels.Identity("float"), "FP32",
        "[0.1, -2.5, 3e38]", [0.1f, -2.5f, 3e38f], "[0.1,-2.5,3E+38]");

    [Fact]
    public void Float64ValuesRoundTrip() => RoundTrip(TestModels.Identity("double"), "FP64",
        "[0.1, -1e300, 5e-324]", [0.1, -1e300, 5e-324], "[0.1,-1E+300,5E-324]");

    [Fact]
    public void Float16WritesTheHalfsExactValue() => RoundTrip(TestModels.Identity("float16"), "FP16",
        "[0.1, 65504, -0.5]", [(Half)0.1f, (Half)65504f, (Half)(-0.5f)], "[0.099975586,65504,-0.5]");

    [Fact]
    public void Int8ValuesRoundTrip() => RoundTrip(TestModels.Identity("int8"), "INT8", "[-128, 0, 127]", new sbyte[] { -128, 0, 127 }, "[-128,0,127]");

    [Fact]
    public void UInt8ValuesRoundTrip() => RoundTrip(TestModels.Identity("uint8"), "UINT8", "[0, 255, 7]", new byte[] { 0, 255, 7 }, "[0,255,7]");

    [Fact]
    public void Int16ValuesRoundTrip() => RoundTrip(TestModels.Identity("int16"), "INT16", "[-32768, 32767, 1]", new short[] { -32768, 32767, 1 }, "[-32768,32767,1]");

    [Fact]
    public void UInt16ValuesRoundTrip() => RoundTrip(Built(TensorElementType.UInt16), "UINT16", "[0, 65535, 2]", new ushort[] { 0, 65535, 2 }, "[0,65535,2]");

    [Fact]
    public void Int32ValuesRoundTrip() => RoundTrip(TestModels.Identity("int32"), "INT32",
        "[-2147483648, 2147483647, 0]", [int.MinValue, int.MaxValue, 0], "[-2147483648,2147483647,0]");

    [Fact]
    public void UInt32ValuesRoundTrip() => RoundTrip(Built(TensorElementType.UInt32), "UINT32", "[0, 4294967295, 1]", [0u, uint.MaxValue, 1u], "[0,4294967295,1]");

    [Fact]
    public void Int64AcceptsWholeNumbersWrittenWithAFraction() => RoundTrip(TestModels.Identity("int64"), "INT64",
        "[-9223372036854775808, 9223372036854775807, 2.0]", [long.MinValue, long.MaxValue, 2L], "[-9223372036854775808,9223372036854775807,2]");

    [Fact]
    public void UInt64AcceptsWholeNumbersWrittenWithAnExponent() => RoundTrip(Built(TensorElementType.UInt64), "UINT64",
        "[0, 18446744073709551615, 1e3]", [0ul, ulong.MaxValue, 1000ul], "[0,18446744073709551615,1000]");

    [Fact]
    public void BoolValuesRoundTrip() => RoundTrip(TestModels.Identity("bool"), "BOOL", "[true, false, true]", [true, false, true], "[true,false,true]");

    [Fact]
    public void StringsAreTextAndB64ValuesAreDecodedAsUtf8()
    {
        // "aGk=" is base64 of the bytes of "hi"; "w6k=" of the UTF-8 bytes of "é".
        var decoded = Tf(TestModels.Identity("string"), """{"instances": [["a", {"b64": "aGk="}, {"b64": "w6k="}], ["\u00e9", "NaN", "I said \"Infinity\""]]}""");

        var tensor = Assert.IsType<StringTensor>(Input(decoded.Request, "x"));
        Assert.Equal([2L, 3L], tensor.Shape);
        Assert.Equal(["a", "hi", "é", "é", "NaN", "I said \"Infinity\""], tensor.Values);
        var written = Write(w => TfServingResponseWriter.WritePredictResponse(w, new InferenceResponse([new NamedTensor("y", tensor)]), decoded.Format));
        Assert.Equal("""{"predictions":[["a","hi","é"],["é","NaN","I said \"Infinity\""]]}""", written);
    }

    [Fact]
    public void V2BytesAreJsonStrings()
    {
        var decoded = V2(TestModels.Identity("string"), """{"inputs": [{"name": "x", "shape": [1, 3], "datatype": "BYTES", "data": ["a", "é", ""]}]}""");

        Assert.Equal(["a", "é", ""], Assert.IsType<StringTensor>(Input(decoded.Request, "x")).Values);
    }

    [Fact]
    public void V2RefusesB64Objects() =>
        Assert.Equal("Input 'x' expects BYTES values; data[1] is an object.",
            V2Error(TestModels.Identity("string"), """{"inputs": [{"name": "x", "shape": [1, 3], "datatype": "BYTES", "data": ["a", {"b64": "aGk="}, ""]}]}"""));

    private static ServedModel Built(TensorElementType type) => TestModels.Built(new Input("x", type, "batch", 3L));

    private static void RoundTrip<T>(ServedModel model, string datatype, string row, T[] expected, string written)
        where T : unmanaged
    {
        var tf = Tf(model, $$"""{"instances": [{{row}}, {{row}}]}""");
        Assert.Equal([2L, 3L], Shape(tf.Request, "x"));
        Assert.Equal([.. expected, .. expected], Values<T>(tf.Request, "x"));

        var v2 = V2(model, $$"""{"inputs": [{"name": "x", "shape": [1, 3], "datatype": "{{datatype}}", "data": {{row}}}]}""");
        Assert.Equal(expected, Values<T>(v2.Request, "x"));

        var output = new InferenceResponse([new NamedTensor("y", Input(tf.Request, "x"))]);
        Assert.Equal($$"""{"predictions":[{{written}},{{written}}]}""", Write(w => TfServingResponseWriter.WritePredictResponse(w, output, TfServingFormat.Row)));
        Assert.Equal(
            $$"""{"model_name":"{{model.Name}}","model_version":"1.0.0","outputs":[{"name":"y","shape":[1,3],"datatype":"{{datatype}}","data":{{written}}}]}""",
            Write(w => OipV2ResponseWriter.WriteInferResponse(w, model, null, new InferenceResponse([new NamedTensor("y", Input(v2.Request, "x"))]))));
    }
}
