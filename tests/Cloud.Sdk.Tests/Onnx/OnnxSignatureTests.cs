using Cloud.Sdk.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace Cloud.Sdk.Tests.Onnx;

/// <summary>The SDK's signature reader (what `cloud init` writes a manifest from) agrees with ONNX Runtime's own metadata.</summary>
public sealed class OnnxSignatureTests
{
    public static TheoryData<string> Models() =>
    [
        "iris/model.onnx", "bench/cnn/model.onnx", "tiny/add_float.onnx", "tiny/identity_string.onnx", "tiny/identity_float16.onnx",
        "tiny/scalar_sum.onnx", "tiny/unknown_dims.onnx", "tiny/cast_int32_to_float.onnx", "tiny/metadata.onnx",
    ];

    [Theory]
    [MemberData(nameof(Models))]
    public void InputsAndOutputsMatchOnnxRuntime(string model)
    {
        var path = Repo.File("samples", "models", model);
        using var stream = File.OpenRead(path);
        var header = OnnxModelHeader.Read(stream, includeSignature: true);
        using var session = new InferenceSession(path);

        Assert.Equal(session.InputMetadata.Keys, header.Inputs.Select(i => i.Name));
        Assert.Equal(session.OutputMetadata.Keys, header.Outputs.Select(o => o.Name));
        foreach (var (tensor, metadata) in header.Inputs.Zip(session.InputMetadata.Values).Concat(header.Outputs.Zip(session.OutputMetadata.Values)))
        {
            Assert.Equal(metadata.Dimensions.Select(d => (long)d), tensor.Shape);
            Assert.Equal(metadata.SymbolicDimensions, tensor.SymbolicShape);
        }
    }

    [Fact]
    public void IrisSignatureNamesItsTypesAsTheRegistryDoes()
    {
        using var stream = File.OpenRead(Repo.File("samples", "models", "iris", "model.onnx"));
        var header = OnnxModelHeader.Read(stream, includeSignature: true);

        // samples/trainers/logreg/train.py: features float[batch, 4] → probabilities float[batch, 3], label int64[batch].
        Assert.Equal([("features", "float32", "batch,4")], header.Inputs.Select(i => (i.Name, i.ElementType, Dims(i))));
        Assert.Equal([("probabilities", "float32", "batch,3"), ("label", "int64", "batch")], header.Outputs.Select(o => (o.Name, o.ElementType, Dims(o))));
    }

    [Fact]
    public void WithoutTheSignatureTheGraphIsSkipped()
    {
        using var stream = File.OpenRead(Repo.File("samples", "models", "iris", "model.onnx"));

        var header = OnnxModelHeader.Read(stream);

        Assert.True(header.HasGraph);
        Assert.Empty(header.Inputs);
        Assert.Empty(header.Outputs);
    }

    private static string Dims(Cloud.Sdk.Registry.TensorSignature tensor) =>
        string.Join(",", tensor.Shape.Select((d, i) => d >= 0 ? d.ToString(System.Globalization.CultureInfo.InvariantCulture) : tensor.SymbolicShape[i]));
}
