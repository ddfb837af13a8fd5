using Cloud.Registry.Registration;
using Cloud.Sdk.Registry;

namespace Cloud.Host.Tests;

/// <summary>Models above the in-process limit are loaded by a child process; the outcome must be the same.</summary>
public sealed class ChildProcessInspectionTests : IDisposable
{
    // The child is the local host's own program (its apphost, copied here by the project reference), as in production.
    private readonly RegistryHarness _inChild = new(inProcessInspectionLimit: 0, inspectorProgram: Path.Combine(AppContext.BaseDirectory, "Cloud.Host"));
    private readonly RegistryHarness _inProcess = new();

    public void Dispose()
    {
        _inChild.Dispose();
        _inProcess.Dispose();
    }

    [Fact]
    public async Task AChildProcessReadsTheSameSignatureAsTheHost()
    {
        await _inChild.UploadIrisAsync();
        await _inProcess.UploadIrisAsync();

        var viaChild = await _inChild.Registration.RegisterAsync("iris/1.0.0/model.json");
        await _inProcess.Registration.RegisterAsync("iris/1.0.0/model.json");

        Assert.Equal(RegistrationStatus.Registered, viaChild.Status);
        var child = (await _inChild.Registry.GetVersionAsync("iris", "1.0.0"))!.Signature!;
        var host = (await _inProcess.Registry.GetVersionAsync("iris", "1.0.0"))!.Signature!;
        Assert.Equal(Describe(host.Inputs), Describe(child.Inputs));
        Assert.Equal(Describe(host.Outputs), Describe(child.Outputs));
    }

    [Fact]
    public async Task AModelOrtRefusesInTheChildFailsWithOrtsMessage()
    {
        await _inChild.PutAsync("iris/1.0.0/model.onnx", OnnxModelBuilder.Model("NoSuchOperator", new OnnxModelBuilder.Input("features", TensorElementType.Float, "batch", 4L)));
        await _inChild.PutTextAsync("iris/1.0.0/model.json", SampleModels.IrisManifest());

        var outcome = await _inChild.Registration.RegisterAsync("iris/1.0.0/model.json");

        Assert.Equal(RegistrationStatus.Failed, outcome.Status);
        Assert.StartsWith("ONNX Runtime 1.32.0 cannot load model file 'model.onnx': ", outcome.Message, StringComparison.Ordinal);
        Assert.Contains("NoSuchOperator", outcome.Message, StringComparison.Ordinal);
        Assert.Equal(ModelVersionStatus.Failed, (await _inChild.Registry.GetVersionAsync("iris", "1.0.0"))!.Status);
    }

    private static string[] Describe(IReadOnlyList<TensorSignature> tensors) =>
        tensors.Select(t => $"{t.Name}:{t.ElementType}[{string.Join(",", t.Shape)}]({string.Join(",", t.SymbolicShape)})").ToArray();
}
