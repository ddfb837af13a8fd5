using Cloud.Serving.Protocols.TfServing;
using Cloud.Serving.Tensors;
using Microsoft.ML.OnnxRuntime;
using static Cloud.Serving.Tests.Protocols.Codec;
using static Cloud.TestSupport.OnnxModelBuilder;

namespace Cloud.Serving.Tests.Protocols;

public sealed class TfServingColumnarTests
{
    [Fact]
    public void ASingleInputModelTakesTheTensorItself()
    {
        var decoded = Tf(TestModels.Iris, """{"inputs": [[5.1, 3.5, 1.4, 0.2], [6.2, 2.9, 4.3, 1.3]]}""");

        Assert.Equal(TfServingFormat.Columnar, decoded.Format);
        Assert.Equal(2, decoded.Request.Rows);
        Assert.Equal([2L, 4L], Shape(decoded.Request, "features"));
        Assert.Equal([5.1f, 3.5f, 1.4f, 0.2f, 6.2f, 2.9f, 4.3f, 1.3f], Values<float>(decoded.Request, "features"));
    }

    [Fact]
    public void ASingleInputModelAlsoTakesItsTensorByName()
    {
        var decoded = Tf(TestModels.Iris, """{"inputs": {"features": [[5.1, 3.5, 1.4, 0.2]]}}""");

        Assert.Equal([1L, 4L], Shape(decoded.Request, "features"));
        Assert.Equal([5.1f, 3.5f, 1.4f, 0.2f], Values<float>(decoded.Request, "features"));
    }

    [Fact]
    public void AMultiInputModelTakesAnObjectOfTensors()
    {
        var decoded = Tf(TestModels.AddFloat, """{"inputs": {"b": [[5, 6, 7, 8], [1, 1, 1, 1]], "a": [[1, 2, 3, 4], [0, 0, 0, 0]]}}""");

        Assert.Equal(2, decoded.Request.Rows);
        Assert.Equal([1f, 2f, 3f, 4f, 0f, 0f, 0f, 0f], Values<float>(decoded.Request, "a"));
        Assert.Equal([5f, 6f, 7f, 8f, 1f, 1f, 1f, 1f], Values<float>(decoded.Request, "b"));
    }

    [Fact]
    public void ABatchOnlyInputIsAListOfScalars()
    {
        var model = TestModels.Built(new Input("x", TensorElementType.Bool, "batch"));

        var decoded = Tf(model, """{"inputs": [true, false, true]}""");

        Assert.Equal([3L], Shape(decoded.Request, "x"));
        Assert.Equal([true, false, true], Values<bool>(decoded.Request, "x"));
    }

    [Fact]
    public void AScalarStringInputTakesABase64ObjectAsItsValue()
    {
        // TF Serving's json_tensor.cc: "inputs" is "a list or base64 object (when there is only one named input)".
        var model = TestModels.Built(new Input("s", TensorElementType.String));

        var decoded = Tf(model, """{"inputs": {"b64": "aGVsbG8="}}""");

        Assert.Equal(["hello"], Assert.IsType<StringTensor>(Input(decoded.Request, "s")).Values);
    }

    [Fact]
    public void AnInputNamedB64IsStillAnInputName()
    {
        var model = TestModels.Built(new Input("b64", TensorElementType.Float, "n"));

        Assert.Equal([1f, 2f], Values<float>(Tf(model, """{"inputs": {"b64": [1, 2]}}""").Request, "b64"));
    }
}
