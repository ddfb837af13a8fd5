using Cloud.Serving;
using Cloud.Serving.Protocols.OipV2;
using Cloud.Serving.Protocols.TfServing;
using Cloud.Serving.Tensors;
using Microsoft.ML.OnnxRuntime;
using static Cloud.Serving.Tests.Protocols.Codec;

namespace Cloud.Serving.Tests.Protocols;

/// <summary>NaN/Infinity/-Infinity in (TF Serving's bare tokens and their quoted spellings) and out (as strings strict JSON parsers read).</summary>
public sealed class NonFiniteValueTests
{
    [Theory]
    [InlineData("""{"instances": [[NaN, Infinity, -Infinity]]}""")]
    [InlineData("""{"instances": [["NaN", "Infinity", "-Infinity"]]}""")]
    [InlineData("""{"inputs":[[NaN,Infinity,-Infinity]]}""")]
    [InlineData("{\"instances\":\n[[NaN,\n Infinity,\n -Infinity]]}")]
    public void BareAndQuotedTokensReadAsNonFiniteFloats(string body)
    {
        var values = Values<float>(Tf(TestModels.Identity("float"), body).Request, "x");

        Assert.True(float.IsNaN(values[0]));
        Assert.Equal(float.PositiveInfinity, values[1]);
        Assert.Equal(float.NegativeInfinity, values[2]);
    }

    [Fact]
    public void DoublesAndHalvesTakeThemToo()
    {
        var doubles = Values<double>(Tf(TestModels.Identity("double"), """{"instances": [[-Infinity, NaN, 1]]}""").Request, "x");
        var halves = Values<Half>(Tf(TestModels.Identity("float16"), """{"instances": [[-Infinity, NaN, 1]]}""").Request, "x");

        Assert.Equal(double.NegativeInfinity, doubles[0]);
        Assert.True(double.IsNaN(doubles[1]));
        Assert.Equal(Half.NegativeInfinity, halves[0]);
        Assert.True(Half.IsNaN(halves[1]));
    }

    [Theory]
    [InlineData("""{"instances": [[Nan, 1, 2]]}""", "Request body is not valid JSON: 'N' is an invalid start of a value (line 1, byte 17).")]
    [InlineData("""{"instances": [[1, NaNs, 2]]}""", "Request body is not valid JSON: 'N' is an invalid start of a value (line 1, byte 20).")]
    [InlineData("""{Infinity: [[1, 2, 3]]}""", "Request body is not valid JSON: 'I' is an invalid start of a property name. Expected a '\"' (line 1, byte 2).")]
    public void OtherBareWordsStayInvalidJson(string body, string message) => Assert.Equal(message, TfError(TestModels.Identity("float"), body));

    [Fact]
    public void TokensInsideStringsAreLeftAlone()
    {
        var decoded = Tf(TestModels.Identity("string"), """{"instances": [["NaN", "x \"Infinity\" y", "-Infinity\\"]], "note": "NaN"}""");

        Assert.Equal(["NaN", "x \"Infinity\" y", "-Infinity\\"], Assert.IsType<StringTensor>(Input(decoded.Request, "x")).Values);
    }

    [Fact]
    public void V2DataTakesThemToo()
    {
        var values = Values<float>(V2(TestModels.Identity("float"), """{"inputs": [{"name": "x", "shape": [1, 3], "datatype": "FP32", "data": [NaN, 1, -Infinity]}]}""").Request, "x");

        Assert.True(float.IsNaN(values[0]));
        Assert.Equal(float.NegativeInfinity, values[2]);
    }

    [Fact]
    public void TheyAreWrittenAsStringsThatStrictJsonParsersRead()
    {
        var response = new InferenceResponse([
            Dense("f", [float.NaN, float.PositiveInfinity, float.NegativeInfinity], 1, 3),
            Dense("d", [double.NaN, double.PositiveInfinity, double.NegativeInfinity], 1, 3),
            Dense("h", [Half.NaN, Half.PositiveInfinity, Half.NegativeInfinity], 1, 3),
        ]);

        Assert.Equal(
            """{"predictions":[{"f":["NaN","Infinity","-Infinity"],"d":["NaN","Infinity","-Infinity"],"h":["NaN","Infinity","-Infinity"]}]}""",
            Write(w => TfServingResponseWriter.WritePredictResponse(w, response, TfServingFormat.Row)));
        Assert.Equal(
            """{"model_name":"identity","model_version":"1.0.0","outputs":[{"name":"f","shape":[1,3],"datatype":"FP32","data":["NaN","Infinity","-Infinity"]},"""
            + """{"name":"d","shape":[1,3],"datatype":"FP64","data":["NaN","Infinity","-Infinity"]},{"name":"h","shape":[1,3],"datatype":"FP16","data":["NaN","Infinity","-Infinity"]}]}""",
            Write(w => OipV2ResponseWriter.WriteInferResponse(w, TestModels.Identity("float"), null, response)));

        // What nobody here wrote reads it: System.Text.Json's DOM (strict, like JSON.parse) parses the whole answer.
        using var document = System.Text.Json.JsonDocument.Parse(Write(w => TfServingResponseWriter.WritePredictResponse(w, response, TfServingFormat.Row)));
        Assert.Equal("NaN", document.RootElement.GetProperty("predictions")[0].GetProperty("f")[0].GetString());
    }
}
