using Cloud.Serving;
using Cloud.Serving.Protocols.TfServing;
using Cloud.Serving.Tensors;
using Microsoft.ML.OnnxRuntime;
using static Cloud.Serving.Tests.Protocols.Codec;

namespace Cloud.Serving.Tests.Protocols;

public sealed class TfServingResponseWriterTests
{
    private static readonly InferenceResponse OneOutput = new([Dense("y", new[] { 1f, 2.5f, -3f, 4f, 5f, 6f }, 2, 3)]);

    private static readonly InferenceResponse IrisLike = new([
        Dense("probabilities", new[] { 0.5f, 0.25f, 0.25f, 0.125f, 0.125f, 0.75f }, 2, 3),
        Dense("label", new[] { 0L, 2L }, 2),
    ]);

    [Fact]
    public void OneOutputInRowFormatIsAListWithOneValuePerRow() =>
        Assert.Equal("""{"predictions":[[1,2.5,-3],[4,5,6]]}""", Write(w => TfServingResponseWriter.WritePredictResponse(w, OneOutput, TfServingFormat.Row)));

    [Fact]
    public void ABatchOnlyOutputInRowFormatIsAListOfScalars() =>
        Assert.Equal("""{"predictions":[7,-1]}""",
            Write(w => TfServingResponseWriter.WritePredictResponse(w, new InferenceResponse([Dense("label", new[] { 7L, -1L }, 2)]), TfServingFormat.Row)));

    [Fact]
    public void SeveralOutputsInRowFormatAreAnObjectPerRow() =>
        Assert.Equal(
            """{"predictions":[{"probabilities":[0.5,0.25,0.25],"label":0},{"probabilities":[0.125,0.125,0.75],"label":2}]}""",
            Write(w => TfServingResponseWriter.WritePredictResponse(w, IrisLike, TfServingFormat.Row)));

    [Fact]
    public void RowsOfHigherRankAreNestedLists() =>
        Assert.Equal("""{"predictions":[[[1,2],[3,4]],[[5,6],[7,8]]]}""",
            Write(w => TfServingResponseWriter.WritePredictResponse(w, new InferenceResponse([Dense("y", new[] { 1, 2, 3, 4, 5, 6, 7, 8 }, 2, 2, 2)]), TfServingFormat.Row)));

    [Fact]
    public void OneOutputInColumnarFormatIsTheTensor() =>
        Assert.Equal("""{"outputs":[[1,2.5,-3],[4,5,6]]}""", Write(w => TfServingResponseWriter.WritePredictResponse(w, OneOutput, TfServingFormat.Columnar)));

    [Fact]
    public void SeveralOutputsInColumnarFormatAreAnObjectOfTensors() =>
        Assert.Equal(
            """{"outputs":{"probabilities":[[0.5,0.25,0.25],[0.125,0.125,0.75]],"label":[0,2]}}""",
            Write(w => TfServingResponseWriter.WritePredictResponse(w, IrisLike, TfServingFormat.Columnar)));

    [Fact]
    public void FloatsAreWrittenInTheirShortestRoundTripForm()
    {
        float[] values = [0.1f, 1f / 3f, 16777216f, 1e-45f];

        var text = Write(w => TfServingResponseWriter.WritePredictResponse(w, new InferenceResponse([Dense("y", values, 1, 4)]), TfServingFormat.Columnar));

        Assert.Equal("""{"outputs":[[0.1,0.33333334,16777216,1E-45]]}""", text);
    }

    [Fact]
    public void RowFormatNeedsEveryOutputToShareDimensionZero()
    {
        var response = new InferenceResponse([Dense("a", new[] { 1f, 2f }, 2), Dense("b", new[] { 1f, 2f, 3f }, 3)]);

        var error = Assert.Throws<InvalidOperationException>(() => Write(w => TfServingResponseWriter.WritePredictResponse(w, response, TfServingFormat.Row)));

        Assert.Equal("Output 'b' is float32[3] but 'a' has 2 rows; row-format responses need every output to share dimension 0.", error.Message);
    }

    [Fact]
    public void ADecodedRequestRunThroughIdentityWritesBackTheSameRows()
    {
        var decoded = Tf(TestModels.Iris, """{"instances": [{"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}]}""");
        var response = new InferenceResponse([new NamedTensor("echo", Input(decoded.Request, "features"))]);

        Assert.Equal("""{"predictions":[[5.1,3.5,1.4,0.2]]}""", Write(w => TfServingResponseWriter.WritePredictResponse(w, response, decoded.Format)));
    }
}
