using System.Text;
using Cloud.Serving.Protocols;
using Cloud.Serving.Tensors;
using Microsoft.ML.OnnxRuntime;
using static Cloud.Serving.Tests.Protocols.Codec;
using static Cloud.TestSupport.OnnxModelBuilder;

namespace Cloud.Serving.Tests.Protocols;

/// <summary>Every way a :predict body can be refused, with the exact message the client gets.</summary>
public sealed class TfServingErrorTests
{
    public static TheoryData<string, string> BodyErrors => new()
    {
        { "", "Request body is empty." },
        { " \r\n ", "Request body is empty." },
        { "[[1, 2, 3]]", "Request body must be a JSON object." },
        { """{"instances": [[1, 2, 3]}""", "Request body is not valid JSON: '}' is invalid without a matching open (line 1, byte 25)." },
        { "{\n  \"instances\": [\n    [1, 2 3]\n  ]\n}", "Request body is not valid JSON: '3' is invalid after a value. Expected either ',', '}', or ']' (line 3, byte 11)." },
        { """{"instances": [[1, 2, 3]]} x""", "Request body is not valid JSON: 'x' is invalid after a single JSON value. Expected end of data (line 1, byte 28)." },
        { """{"instances": [[1, 2, 3]], "instances": [[1, 2, 3]]}""", "The request gives \"instances\" twice." },
        { """{"instances": [[1, 2, 3]], "inputs": [[1, 2, 3]]}""", "The request has both \"instances\" and \"inputs\"; use one." },
        { """{"inputs": [[1, 2, 3]], "instances": [[1, 2, 3]]}""", "The request has both \"instances\" and \"inputs\"; use one." },
        { """{"signature_name": "serving_default"}""", "The request has neither \"instances\" nor \"inputs\"." },
        { """{"signature_name": "predict_images", "instances": [[1, 2, 3]]}""", "Unknown signature_name 'predict_images'; the only signature is 'serving_default'." },
        { """{"signature_name": 1, "instances": [[1, 2, 3]]}""", "\"signature_name\" must be a string." },
        { """{"instances": {"x": [1, 2, 3]}}""", "\"instances\" must be a list of rows." },
        { """{"instances": []}""", "\"instances\" is empty; send at least one row." },
    };

    [Theory]
    [MemberData(nameof(BodyErrors))]
    public void BodyErrorsAreNamed(string body, string message) => Assert.Equal(message, TfError(TestModels.Identity("float"), body));

    [Fact]
    public void AJsonErrorAfterABareNaNIsPlacedInTheBodyAsSent()
    {
        // The reader sees "NaN" quoted (two bytes longer); the position must still count the client's bytes.
        var message = TfError(TestModels.Identity("float"), """{"instances": [[NaN, Infinity, -Infinity}""");

        Assert.Equal("Request body is not valid JSON: '}' is invalid without a matching open (line 1, byte 41).", message);
    }

    [Fact]
    public void ABodyThatIsNotUtf8IsRefusedWithTheOffset()
    {
        byte[] body = [.. Encoding.UTF8.GetBytes("""{"instances": [["""), 0xC3, 0x28, .. Encoding.UTF8.GetBytes("]]}")];

        Assert.Equal("Request body is not valid UTF-8 (byte offset 16).", TfError(TestModels.Identity("string"), body));
    }

    [Fact]
    public void AByteOrderMarkIsSkippedAndStillCountedInPositions()
    {
        byte[] bom = [0xEF, 0xBB, 0xBF];
        var model = TestModels.Identity("float");

        Assert.True(Cloud.Serving.Protocols.TfServing.TfServingRequestReader.TryRead(
            (byte[])[.. bom, .. Encoding.UTF8.GetBytes("""{"instances": [[1, 2, 3]]}""")], model, out var request, out _));
        Assert.Equal([1f, 2f, 3f], Values<float>(request.Request, "x"));
        Assert.Equal("Request body is not valid JSON: '}' is invalid without a matching open (line 1, byte 28).",
            TfError(model, [.. bom, .. Encoding.UTF8.GetBytes("""{"instances": [[1, 2, 3]}""")]));
    }

    [Fact]
    public void AnEmptySequenceIsAnEmptyBody()
    {
        Assert.False(Cloud.Serving.Protocols.TfServing.TfServingRequestReader.TryRead(
            System.Buffers.ReadOnlySequence<byte>.Empty, TestModels.Identity("float"), out _, out var error));
        Assert.Equal("Request body is empty.", error.Message);
    }

    public static TheoryData<string, string> IrisShapeErrors => new()
    {
        {
            """{"instances": [[5.1, 3.5, 1.4, 0.2], [6.2, 2.9, 4.3, 1.3], [1, 2, 3]]}""",
            "Input 'features' expects float32 [-1,4] (rows of 4 values); row 2 has 3 values."
        },
        { """{"inputs": 5.1}""", "Input 'features' expects float32 [-1,4]; got a scalar." },
        { """{"inputs": {"features": null}}""", "Input 'features' expects float32 [-1,4]; got null." },
        { """{"instances": [5.1]}""", "Input 'features' expects float32 [-1,4] (rows of 4 values); row 0 is a scalar." },
        { """{"instances": [[5.1, 3.5, 1.4, 0.2], null]}""", "Input 'features' expects float32 [-1,4] (rows of 4 values); row 1 is null." },
        { """{"instances": [[5.1, [3.5], 1.4, 0.2]]}""", "Input 'features' expects float32 [-1,4] (rows of 4 values); row 0[1] is a list, not a value." },
        { """{"inputs": [[5.1, 3.5, 1.4, 0.2, 9]]}""", "Input 'features' expects float32 [-1,4] (rows of 4 values); row 0 has 5 values." },
        { """{"instances": [{"foo": [1, 2, 3, 4]}]}""", "Row 0 of input 'features' has unknown feature 'foo'; the features are: sepal_length, sepal_width, petal_length, petal_width." },
        {
            """{"instances": [{"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_w": 0.2}]}""",
            "Row 0 of input 'features' has unknown feature 'petal_w'; the features are: sepal_length, sepal_width, petal_length, petal_width."
        },
        {
            """{"instances": [[1, 2, 3, 4], {"sepal_width": 3.5, "sepal_length": 5.1}]}""",
            "Row 1 of input 'features' is missing features 'petal_length', 'petal_width'; the features are: sepal_length, sepal_width, petal_length, petal_width."
        },
        {
            """{"instances": [{"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4}]}""",
            "Row 0 of input 'features' is missing feature 'petal_width'; the features are: sepal_length, sepal_width, petal_length, petal_width."
        },
        {
            """{"instances": [{"sepal_length": 5.1, "sepal_length": 3.5}]}""",
            "Row 0 of input 'features' gives feature 'sepal_length' twice."
        },
        {
            """{"instances": [{"sepal_length": 5.1, "sepal_width": "wide", "petal_length": 1.4, "petal_width": 0.2}]}""",
            "Input 'features' expects float32 values; row 0 feature 'sepal_width' is the string \"wide\"."
        },
        { """{"instances": [{"features": [1, 2, 3, 4], "features": [1, 2, 3, 4]}]}""", "Row 0 gives input 'features' twice." },
        { """{"inputs": {"features": [[1, 2, 3, 4]], "features": [[1, 2, 3, 4]]}}""", "Input 'features' is given twice." },
        { """{"inputs": {"petals": [[1, 2, 3, 4]]}}""", "Unknown input 'petals'; the model's inputs are: features." },
    };

    [Theory]
    [MemberData(nameof(IrisShapeErrors))]
    public void ShapeAndFeatureErrorsNameTheInputRowAndProblem(string body, string message) => Assert.Equal(message, TfError(TestModels.Iris, body));

    public static TheoryData<string, string> MultiInputErrors => new()
    {
        { """{"instances": [{"a": [1, 2, 3, 4], "foo": [1, 2, 3, 4]}]}""", "Unknown input 'foo'; the model's inputs are: a, b." },
        { """{"instances": [{"a": [1, 2, 3, 4], "b": [1, 2, 3, 4]}, {"a": [1, 2, 3, 4]}]}""", "Row 1 is missing input 'b'." },
        { """{"instances": [{}]}""", "Row 0 is missing input 'a'." },
        { """{"inputs": {"a": [[1, 2, 3, 4]]}}""", "Missing input 'b'." },
        { """{"instances": [[1, 2, 3, 4]]}""", "The model has several inputs (a, b), so each row must be an object keyed by input name; row 0 is a list." },
        { """{"instances": [{"a": [1, 2, 3, 4], "b": [1, 2, 3, 4]}, 7]}""", "The model has several inputs (a, b), so each row must be an object keyed by input name; row 1 is a scalar." },
        { """{"inputs": [[1, 2, 3, 4]]}""", "The model has several inputs (a, b), so \"inputs\" must be an object keyed by input name; got a list." },
        { """{"instances": [{"a": [1, 2, 3, 4], "b": [1, 2, 3]}]}""", "Input 'b' expects float32 [-1,4] (rows of 4 values); row 0 has 3 values." },
    };

    [Theory]
    [MemberData(nameof(MultiInputErrors))]
    public void MultiInputErrorsNameTheInput(string body, string message) => Assert.Equal(message, TfError(TestModels.AddFloat, body));

    [Fact]
    public void AnObjectRowForASingleInputModelWithoutFeatureNamesNamesTheUnknownInput() =>
        Assert.Equal("Unknown input 'foo'; the model's inputs are: x.", TfError(TestModels.Identity("float"), """{"instances": [{"foo": [1, 2, 3]}]}"""));

    [Fact]
    public void AnEmptyObjectRowForASingleInputModelIsMissingTheInput() =>
        Assert.Equal("Row 0 is missing input 'x'.", TfError(TestModels.Identity("float"), """{"instances": [{}]}"""));

    [Fact]
    public void RaggedRowsOfAFreeDimensionAreRefused()
    {
        var model = TestModels.Built(new Input("x", TensorElementType.Float, "batch", "n"));

        Assert.Equal(
            "Input 'x' expects float32 [-1,-1] (rows of shape [-1]); row 1 has 3 values but row 0 has 2; every row must have the same shape.",
            TfError(model, """{"instances": [[1, 2], [1, 2, 3]]}"""));
    }

    [Fact]
    public void RaggedInnerListsNameWhereTheSizeWasSet()
    {
        var model = TestModels.Built(new Input("x", TensorElementType.Float, "batch", 2L, "n"));

        Assert.Equal(
            "Input 'x' expects float32 [-1,2,-1] (rows of shape [2,-1]); row 1[1] has 1 value but row 0[0] has 2; every row must have the same shape.",
            TfError(model, """{"inputs": [[[1, 2], [3, 4]], [[5, 6], [7]]]}"""));
    }

    [Fact]
    public void AFixedBatchDimensionLimitsTheRows()
    {
        var model = TestModels.Built(new Input("x", TensorElementType.Float, 1L, 2L));

        Assert.Equal("Input 'x' expects float32 [1,2]; got 2 rows.", TfError(model, """{"instances": [[1, 2], [3, 4]]}"""));
    }

    public static TheoryData<string, string, string> ValueErrors => new()
    {
        { "uint8", """{"instances": [[1, 2, 3], [4, 5, 300]]}""", "Input 'x' expects uint8 values; row 1[2] is 300, outside uint8's range 0 to 255." },
        { "uint8", """{"instances": [[1, -1, 3]]}""", "Input 'x' expects uint8 values; row 0[1] is -1, outside uint8's range 0 to 255." },
        { "int8", """{"inputs": [[1, 2, 128]]}""", "Input 'x' expects int8 values; row 0[2] is 128, outside int8's range -128 to 127." },
        { "int16", """{"instances": [[1, 2, -32769]]}""", "Input 'x' expects int16 values; row 0[2] is -32769, outside int16's range -32768 to 32767." },
        { "int32", """{"instances": [[1, 1.5, 3]]}""", "Input 'x' expects int32 values; row 0[1] is 1.5, which is not a whole number." },
        { "int32", """{"instances": [[1, 2, 2147483648]]}""", "Input 'x' expects int32 values; row 0[2] is 2147483648, outside int32's range -2147483648 to 2147483647." },
        { "int64", """{"instances": [[1, 2, 9223372036854775808]]}""", "Input 'x' expects int64 values; row 0[2] is 9223372036854775808, outside int64's range -9223372036854775808 to 9223372036854775807." },
        { "int64", """{"instances": [[1, 2, "3"]]}""", "Input 'x' expects int64 values; row 0[2] is the string \"3\"." },
        { "int64", """{"instances": [[1, 2, NaN]]}""", "Input 'x' expects int64 values; row 0[2] is NaN." },
        { "float", """{"instances": [["abc", 2, 3]]}""", "Input 'x' expects float32 values; row 0[0] is the string \"abc\"." },
        { "float", """{"instances": [[1, null, 3]]}""", "Input 'x' expects float32 values; row 0[1] is null." },
        { "float", """{"instances": [[1, 2, {"b64": "AAAA"}]]}""", "Input 'x' expects float32 values; row 0[2] is an object." },
        { "float", """{"instances": [[1, 2, true]]}""", "Input 'x' expects float32 values; row 0[2] is true." },
        { "float", """{"instances": [[1, 2, 1e39]]}""", "Input 'x' expects float32 values; row 0[2] is 1e39, outside float32's range -3.4028235E+38 to 3.4028235E+38." },
        { "double", """{"instances": [[1, 2, 1e309]]}""", "Input 'x' expects float64 values; row 0[2] is 1e309, outside float64's range -1.7976931348623157E+308 to 1.7976931348623157E+308." },
        { "float16", """{"instances": [[1, 2, 70000]]}""", "Input 'x' expects float16 values; row 0[2] is 70000, outside float16's range -65504 to 65504." },
        { "bool", """{"instances": [[true, 1, false]]}""", "Input 'x' expects bool values; row 0[1] is 1." },
        { "string", """{"instances": [["a", 5, "c"]]}""", "Input 'x' expects string values; row 0[1] is 5." },
        { "string", """{"instances": [["a", {"b64": "!!!"}, "c"]]}""", "Input 'x' expects string values; row 0[1] has a \"b64\" value that is not valid base64." },
        { "string", """{"instances": [["a", {"b64": "/w=="}, "c"]]}""", "Input 'x' expects string values; row 0[1] has a \"b64\" value whose bytes are not UTF-8 text (string tensors hold text)." },
        { "string", """{"instances": [["a", {"bytes": "aGk="}, "c"]]}""", "Input 'x' expects string values; row 0[1] is an object other than {\"b64\": \"<base64>\"}." },
        { "string", """{"instances": [["a", {"b64": "aGk=", "x": 1}, "c"]]}""", "Input 'x' expects string values; row 0[1] is an object other than {\"b64\": \"<base64>\"}." },
        { "string", """{"instances": [["a", "\ud800", "c"]]}""", "Input 'x' expects string values; row 0[1] is a string with an unpaired surrogate escape." },
    };

    [Theory]
    [MemberData(nameof(ValueErrors))]
    public void ValueErrorsNameTheValueInputAndRow(string type, string body, string message) => Assert.Equal(message, TfError(TestModels.Identity(type), body));

    [Fact]
    public void ALongStringIsShortenedInTheMessage() =>
        Assert.Equal(
            "Input 'x' expects float32 values; row 0[0] is the string \"" + new string('a', 40) + "…\".",
            TfError(TestModels.Identity("float"), "{\"instances\": [[\"" + new string('a', 100) + "\", 1, 2]]}"));

    [Fact]
    public void ALongUnknownNameIsShortenedInTheMessage() =>
        Assert.Equal(
            "Unknown input '" + new string('k', 40) + "…'; the model's inputs are: a, b.",
            TfError(TestModels.AddFloat, "{\"inputs\": {\"" + new string('k', 10_000) + "\": [[1, 2, 3, 4]]}}"));

    [Fact]
    public void AScalarInputHasNoRowsForTheRowFormat()
    {
        var model = TestModels.Built(new Input("x", TensorElementType.Float));

        Assert.Equal("Input 'x' is a scalar ([]), so it has no rows to send in \"instances\"; send the tensors in \"inputs\" (the columnar format).", TfError(model, """{"instances": [1]}"""));
    }

    [Theory]
    [InlineData("""{"inputs": [1]}""")]
    [InlineData("""{"inputs": []}""")]
    [InlineData("""{"inputs": {"x": [[1]]}}""")]
    public void AScalarInputGivenAListInTheColumnarFormatIsToldToSendTheBareValue(string body) =>
        Assert.Equal("Input 'x' expects float32 [] (one value, not in a list); got a list.",
            TfError(TestModels.Built(new Input("x", TensorElementType.Float)), body));

    [Theory]
    [InlineData("""{"inputs": []}""", "a list")]
    [InlineData("""{"inputs": [[1, 2]]}""", "a list")]
    [InlineData("""{"inputs": 1}""", "a scalar")]
    [InlineData("""{"inputs": null}""", "null")]
    public void AModelWithoutInputsTakesOnlyAnEmptyInputsObject(string body, string what) =>
        Assert.Equal($"The model has no inputs, so \"inputs\" must be an empty object {{}}; got {what}.",
            TfError(TestModels.FromBytes(Constant([1f, 2f], 2)), body));

    [Fact]
    public void ABase64ObjectAsTheOnlyInputOfAnotherTypeIsRefusedAsAValueNotAsAnInputName()
    {
        Assert.Equal("Input 'x' expects float32 values; the value is an object.",
            TfError(TestModels.Built(new Input("x", TensorElementType.Float)), """{"inputs": {"b64": "AAAA"}}"""));
        Assert.Equal("Input 'features' expects float32 [-1,4]; got an object.", TfError(TestModels.Iris, """{"inputs": {"b64": "AAAA"}}"""));
    }

    [Fact]
    public void ABFloat16InputIsRefusedInJsonWithWhereItCanTravel()
    {
        var model = TestModels.Built(new Input("x", TensorElementType.BFloat16, "batch", 2L));

        Assert.Equal("Input 'x' is bfloat16, which JSON cannot carry: send it as binary data (binary_data_size, the binary tensor data extension) or in gRPC's raw_input_contents (docs/grpc.md).",
            TfError(model, """{"instances": [[1, 2]]}"""));
    }

    [Fact]
    public void ErrorsAre400sWrittenAsAnErrorObject()
    {
        Assert.False(Cloud.Serving.Protocols.TfServing.TfServingRequestReader.TryRead(
            Encoding.UTF8.GetBytes("""{"instances": [[1, 2, 3]], "inputs": [[1, 2, 3]]}""").AsMemory(), TestModels.Identity("float"), out _, out var error));

        Assert.Equal(400, error.StatusCode);
        Assert.Equal("""{"error":"The request has both \"instances\" and \"inputs\"; use one."}""", Write(error.WriteTo));
    }

    [Fact]
    public void ErrorMessagesKeepNonAsciiTextReadable() =>
        Assert.Equal("""{"error":"Unknown input 'größe'; the model's inputs are: x."}""", Write(ProtocolError.BadRequest("Unknown input 'größe'; the model's inputs are: x.").WriteTo));
}
