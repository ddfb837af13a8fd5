using Cloud.Serving.Protocols;
using Cloud.Serving.Protocols.OipV2;
using Cloud.Serving.Tensors;
using Microsoft.ML.OnnxRuntime;
using static Cloud.Serving.Tests.Protocols.Codec;
using static Cloud.TestSupport.OnnxModelBuilder;

namespace Cloud.Serving.Tests.Protocols;

/// <summary>
/// Requests whose tensors are not rows of a batch (broadcasting inputs, scalars, empty tensors, no inputs) are read
/// with exactly the shapes they bring and marked not stackable; fixed dimensions are still enforced.
/// </summary>
public sealed class TensorShapeTests
{
    /// <summary>z = a + b with a float32 [3,4] and b float32 [4]: fixed dimensions, broadcasting.</summary>
    private static readonly ServedModel Broadcast = TestModels.FromBytes(Binary("Add",
        new Input("a", TensorElementType.Float, 3L, 4L), new Input("b", TensorElementType.Float, 4L)));

    /// <summary>z = x + s with x float32 [n] and s a float32 scalar.</summary>
    private static readonly ServedModel Scalar = TestModels.FromBytes(Binary("Add",
        new Input("x", TensorElementType.Float, "n"), new Input("s", TensorElementType.Float)));

    private static readonly ServedModel NoInputs = TestModels.FromBytes(Constant([1f, 2f], 2));

    [Fact]
    public void BatchabilityComesFromTheSignature()
    {
        Assert.True(TestModels.AddFloat.Signature.Batchable);
        Assert.True(TestModels.Iris.Signature.Batchable);
        Assert.False(Broadcast.Signature.Batchable);
        Assert.False(Scalar.Signature.Batchable);
        Assert.False(NoInputs.Signature.Batchable);
        Assert.Null(Scalar.Signature.Problem);
        Assert.Null(NoInputs.Signature.Problem);
    }

    [Fact]
    public void InputsThatAgreeOnDimensionZeroOfABatchableModelAreRows()
    {
        var request = V2(TestModels.AddFloat, V2Body(("a", [2, 4], new float[8]), ("b", [2, 4], new float[8]))).Request;

        Assert.Equal(2, request.Rows);
        Assert.True(request.Stackable);
    }

    [Fact]
    public void InputsThatDisagreeOnDimensionZeroAreOneCallWithTheirOwnShapes()
    {
        var request = V2(TestModels.AddFloat, V2Body(("a", [1, 4], [1, 2, 3, 4]), ("b", [2, 4], new float[8]))).Request;

        Assert.False(request.Stackable);
        Assert.Equal([1L, 4L], Input(request, "a").Shape);
        Assert.Equal([2L, 4L], Input(request, "b").Shape);
    }

    [Fact]
    public void ABroadcastingModelTakesItsDeclaredShapes()
    {
        var request = V2(Broadcast, V2Body(("a", [3, 4], new float[12]), ("b", [4], [1, 2, 3, 4]))).Request;

        Assert.False(request.Stackable);
        Assert.Equal([4L], Input(request, "b").Shape);
        Assert.Equal([1f, 2f, 3f, 4f], ((DenseTensor<float>)Input(request, "b")).ToArray());
    }

    [Theory]
    [InlineData("b", "[5]", "Input 'b' expects FP32 [4]; got shape [5].")]
    [InlineData("b", "[1,4]", "Input 'b' expects FP32 [4]; got shape [1,4].")]
    [InlineData("a", "[2,4]", "Input 'a' expects FP32 [3,4]; got shape [2,4].")]
    public void AFixedDimensionThatDiffersIsRefusedNamingTheInputAndItsShape(string input, string shape, string message)
    {
        var a = input == "a" ? Tensor("a", shape) : Tensor("a", "[3,4]");
        var b = input == "b" ? Tensor("b", shape) : Tensor("b", "[4]");

        Assert.Equal(message, V2Error(Broadcast, $$"""{"inputs": [{{a}}, {{b}}]}"""));
    }

    [Fact]
    public void AScalarInputIsAnEmptyShapeWithOneValue()
    {
        var request = V2(Scalar, """{"inputs": [{"name": "x", "shape": [3], "datatype": "FP32", "data": [1, 2, 3]}, {"name": "s", "shape": [], "datatype": "FP32", "data": [10]}]}""").Request;

        Assert.False(request.Stackable);
        Assert.Empty(Input(request, "s").Shape);
        Assert.Equal([10f], ((DenseTensor<float>)Input(request, "s")).ToArray());
        Assert.Equal("Input 's' expects FP32 []; got shape [1].",
            V2Error(Scalar, """{"inputs": [{"name": "x", "shape": [3], "datatype": "FP32", "data": [1, 2, 3]}, {"name": "s", "shape": [1], "datatype": "FP32", "data": [10]}]}"""));
    }

    [Fact]
    public void TfServingColumnarTakesAScalarAsABareValue()
    {
        var decoded = Tf(Scalar, """{"inputs": {"x": [1, 2, 3], "s": 10}}""");

        Assert.False(decoded.Request.Stackable);
        Assert.Empty(Input(decoded.Request, "s").Shape);
        Assert.Equal([3L], Input(decoded.Request, "x").Shape);
        Assert.Equal("Input 's' expects float32 [] (one value, not in a list); got a list.", TfError(Scalar, """{"inputs": {"x": [1, 2, 3], "s": [10]}}"""));
    }

    [Fact]
    public void TfServingRowFormatRefusesAScalarInputAndPointsToColumnar() =>
        Assert.Equal(
            "Input 's' is a scalar ([]), so it has no rows to send in \"instances\"; send the tensors in \"inputs\" (the columnar format).",
            TfError(Scalar, """{"instances": [{"x": 1, "s": 10}]}"""));

    [Fact]
    public void TfServingColumnarTakesInputsThatDisagreeOnDimensionZero()
    {
        var decoded = Tf(TestModels.AddFloat, """{"inputs": {"a": [[1, 2, 3, 4]], "b": [[1, 2, 3, 4], [5, 6, 7, 8]]}}""");

        Assert.False(decoded.Request.Stackable);
        Assert.Equal([2L, 4L], Input(decoded.Request, "b").Shape);
    }

    [Fact]
    public void AnEmptyTensorIsServedWithItsShape()
    {
        var model = TestModels.Built(new Input("x", TensorElementType.Float, "batch", 4L));

        var v2 = V2(model, """{"inputs": [{"name": "x", "shape": [0, 4], "datatype": "FP32", "data": []}]}""").Request;
        var tf = Tf(model, """{"inputs": []}""").Request;

        Assert.False(v2.Stackable);
        Assert.Equal([0L, 4L], Input(v2, "x").Shape);
        Assert.False(tf.Stackable);
        Assert.Equal([0L, 4L], Input(tf, "x").Shape);
    }

    [Fact]
    public void AModelWithoutInputsTakesAnEmptyListOrNoInputsAtAll()
    {
        Assert.Empty(V2(NoInputs, """{"inputs": []}""").Request.Inputs);
        Assert.False(V2(NoInputs, """{"id": "c"}""").Request.Stackable);
        Assert.Empty(Tf(NoInputs, """{"inputs": {}}""").Request.Inputs);
        Assert.Equal("The model has no inputs, so it has no rows to send in \"instances\"; send \"inputs\": {} (the columnar format).",
            TfError(NoInputs, """{"instances": [{}]}"""));
    }

    [Fact]
    public void AnInputNamedForAModelWithoutInputsIsUnknownInBothProtocols()
    {
        const string Message = "Unknown input 'x'; the model has no inputs.";

        Assert.Equal(Message, V2Error(NoInputs, """{"inputs": [{"name": "x", "shape": [1], "datatype": "FP32", "data": [1]}]}"""));
        Assert.Equal(Message, TfError(NoInputs, """{"inputs": {"x": [1]}}"""));
    }

    [Fact]
    public void TheMetadataSaysWhetherTheVersionBatches()
    {
        var batchable = Write(w => OipV2MetadataWriter.WriteModelMetadata(w, TestModels.AddFloat));
        var alone = Write(w => OipV2MetadataWriter.WriteModelMetadata(w, Broadcast));

        Assert.EndsWith("\"parameters\":{\"batchable\":true}}", batchable, StringComparison.Ordinal);
        Assert.EndsWith("\"parameters\":{\"batchable\":false}}", alone, StringComparison.Ordinal);
    }

    private static string Tensor(string name, string shape)
    {
        var count = shape.Trim('[', ']').Split(',').Aggregate(1, (p, d) => p * int.Parse(d, System.Globalization.CultureInfo.InvariantCulture));
        return $$"""{"name": "{{name}}", "shape": {{shape}}, "datatype": "FP32", "data": [{{string.Join(",", Enumerable.Repeat("0", count))}}]}""";
    }

    private static string V2Body(params (string Name, int[] Shape, float[] Data)[] inputs) =>
        "{\"inputs\": [" + string.Join(", ", inputs.Select(i =>
            $$"""{"name": "{{i.Name}}", "shape": [{{string.Join(",", i.Shape)}}], "datatype": "FP32", "data": [{{string.Join(",", i.Data.Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)))}}]}""")) + "]}";
}
