namespace Cloud.OnnxRuntime.Tests;

/// <summary>Model and node metadata read through the C API, against what samples/models/tiny/generate.py wrote.</summary>
public sealed class MetadataTests
{
    [Fact]
    public void ModelMetadataCarriesEveryField()
    {
        using var session = InferenceSession.Open(Samples.Tiny("metadata.onnx"));
        var metadata = session.Metadata;

        Assert.Equal("cloud-tests", metadata.ProducerName);
        Assert.Equal("meta_graph", metadata.GraphName);
        Assert.Equal("graph description", metadata.GraphDescription);
        Assert.Equal("ai.cloud.test", metadata.Domain);
        Assert.Equal("a model with metadata", metadata.Description);
        Assert.Equal(42, metadata.Version);
        Assert.Equal(
            new Dictionary<string, string> { ["author"] = "cloud", ["purpose"] = "metadata test", ["unicode"] = "héllo ✓" },
            metadata.CustomMetadata);
    }

    [Fact]
    public void FreeDimensionsAreMinusOneWithTheirSymbolicNames()
    {
        using var session = InferenceSession.Open(Samples.Tiny("unknown_dims.onnx"));
        var input = Assert.Single(session.Inputs);

        Assert.Equal(OnnxValueType.Tensor, input.ValueType);
        Assert.Equal([-1L, -1L, 5L], input.Dimensions);
        Assert.Equal(["", "width", ""], input.SymbolicDimensions);
        Assert.Equal("[-1,width,5]", input.ShapeText);
    }

    [Fact]
    public void FreeDimensionsAcceptAnySizeAndFixedOnesAreKept()
    {
        using var session = InferenceSession.Open(Samples.Tiny("unknown_dims.onnx"));
        var data = Enumerable.Range(0, 2 * 3 * 5).Select(i => (float)i).ToArray();

        var y = session.Run("x", Tensor.Create(data, 2, 3, 5)).Get<float>("y");

        Assert.Equal([2L, 3L, 5L], y.Shape);
        Assert.Equal(data, y.ToArray());
    }

    [Fact]
    public void InputsAndOutputsKeepDeclarationOrder()
    {
        using var session = InferenceSession.Open(Samples.Tiny("add_float.onnx"));
        Assert.Equal(["a", "b"], session.Inputs.Select(i => i.Name));
        Assert.Equal(["sum", "diff"], session.Outputs.Select(o => o.Name));
    }

    [Fact]
    public void OutputsComeInTheRequestedOrderAndOnlyThoseRequested()
    {
        using var session = InferenceSession.Open(Samples.Tiny("add_float.onnx"));
        var a = Tensor.Create(new[] { 5f, 6f, 7f, 8f }, 1, 4);
        var b = Tensor.Create(new[] { 1f, 1f, 2f, 2f }, 1, 4);

        var result = session.Run([new("b", b), new("a", a)], ["diff"]);

        var only = Assert.Single(result);
        Assert.Equal("diff", only.Name);
        Assert.Equal(new[] { 4f, 5f, 5f, 6f }, result.Get<float>("diff").ToArray());
    }

    [Fact]
    public void SessionFromBytesEqualsSessionFromFile()
    {
        var bytes = File.ReadAllBytes(Samples.Iris("model.onnx"));
        using var fromBytes = InferenceSession.FromBytes(bytes);
        using var fromFile = InferenceSession.Open(Samples.Iris("model.onnx"));
        var input = Tensor.Create(new[] { 5.1f, 3.5f, 1.4f, 0.2f, 6.7f, 3.0f, 5.2f, 2.3f }, 2, 4);

        Assert.Equal(fromFile.Inputs.Select(i => i.ToString()), fromBytes.Inputs.Select(i => i.ToString()));
        Assert.Equal(
            fromFile.Run("features", input).Get<float>("probabilities").ToArray(),
            fromBytes.Run("features", input).Get<float>("probabilities").ToArray());
    }

    [Fact]
    public void EnvironmentReportsTheLoadedRuntime()
    {
        Assert.Equal("1.30.0", OrtEnvironment.Version);
        Assert.Contains("CPUExecutionProvider", OrtEnvironment.AvailableProviders);
        Assert.EndsWith("libonnxruntime.so.1", OrtEnvironment.LibraryPath, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(GraphOptimizationLevel.DisableAll, ExecutionMode.Sequential, 1, true)]
    [InlineData(GraphOptimizationLevel.Basic, ExecutionMode.Parallel, 2, false)]
    [InlineData(GraphOptimizationLevel.All, ExecutionMode.Sequential, 0, true)]
    public void SessionOptionsDoNotChangeResults(GraphOptimizationLevel level, ExecutionMode mode, int threads, bool arena)
    {
        var options = new SessionOptions
        {
            OptimizationLevel = level,
            ExecutionMode = mode,
            IntraOpThreads = threads,
            InterOpThreads = threads,
            EnableMemoryArena = arena,
            ConfigEntries = new Dictionary<string, string> { ["session.intra_op.allow_spinning"] = "0" },
        };
        using var session = InferenceSession.Open(Samples.Tiny("add_float.onnx"), options);
        var result = session.Run([new("a", Tensor.Create(new[] { 1f, 2f, 3f, 4f }, 1, 4)), new("b", Tensor.Create(new[] { 4f, 3f, 2f, 1f }, 1, 4))]);
        Assert.Equal(new[] { 5f, 5f, 5f, 5f }, result.Get<float>("sum").ToArray());
    }
}
