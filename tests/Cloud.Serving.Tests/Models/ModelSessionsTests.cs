using Cloud.Serving.Models;
using Cloud.Serving.Tensors;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cloud.Serving.Tests.Models;

/// <summary>The execution provider setting on this machine: the CPU package, no GPU.</summary>
public sealed class ModelSessionsTests
{
    private static string Iris => Path.Combine(Repo.IrisFolder, "model.onnx");

    [Fact]
    public void CudaThatCannotStartFailsTheLoadNamingWhatIsMissing()
    {
        var error = Assert.Throws<ModelLoadException>(() => ModelSessions.Open(Iris, new ModelCacheOptions { ExecutionProvider = "cuda" }, NullLogger.Instance));

        Assert.StartsWith("ExecutionProvider 'cuda' was asked for but ONNX Runtime's CUDA provider could not start: ", error.Message, StringComparison.Ordinal);
        Assert.EndsWith(" Build with -p:OnnxRuntimeFlavor=gpu and install CUDA 12 + cuDNN 9, or set Cloud:Cache:ExecutionProvider to cpu or 'cuda,cpu'.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CudaThenCpuServesOnTheCpu()
    {
        using var session = ModelSessions.Open(Iris, new ModelCacheOptions { ExecutionProvider = "cuda,cpu" }, NullLogger.Instance);
        var outputs = new SessionRunner(session).Run([new NamedTensor("features", Tensor.Create(new[] { 5.1f, 3.5f, 1.4f, 0.2f }, 1, 4))], ["label"]);

        // The first row of the iris dataset is a setosa, class 0 (samples/models/iris/expected.csv).
        Assert.Equal([0L], ((DenseTensor<long>)outputs[0].Value).ToArray());
    }

    [Theory]
    [InlineData("cpu", "Cpu")]
    [InlineData("CUDA", "Cuda")]
    [InlineData("cuda, cpu", "CudaThenCpu")]
    public void SettingValuesAreRead(string value, string expected) => Assert.Equal(expected, ExecutionProviders.Parse(value).ToString());

    [Fact]
    public void AnUnknownProviderIsRefusedNamingTheSetting() =>
        Assert.Equal("Cloud:Cache:ExecutionProvider is 'gpu'; it must be cpu, cuda or 'cuda,cpu' (CUDA where it starts, else CPU).", ExecutionProviders.Problem("gpu"));
}
