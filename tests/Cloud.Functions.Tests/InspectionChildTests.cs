using Cloud.Registry.Registration;
using Cloud.Sdk.Registry;

namespace Cloud.Functions.Tests;

/// <summary>
/// A model above the app's in-process limit is inspected by a child process of the app's own executable
/// (Cloud.Functions inspect-model FILE), so a model that crashes ONNX Runtime cannot take an instance down.
/// </summary>
public sealed class InspectionChildTests : IDisposable
{
    private readonly RegistryHarness _h = new(inProcessInspectionLimit: 0, inspectorProgram: Path.Combine(AppContext.BaseDirectory, "Cloud.Functions"));

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task TheFunctionAppsOwnExecutableInspectsAModelAsTheLocalHostDoes()
    {
        await _h.UploadIrisAsync();

        var outcome = await _h.Registration.RegisterAsync("iris/1.0.0/model.json");

        Assert.True(outcome.Status == RegistrationStatus.Registered, outcome.Message);
        var signature = (await _h.Registry.GetVersionAsync("iris", "1.0.0"))!.Signature!;
        // The iris sample's signature (samples/trainers/logreg/train.py): features float[batch, 4] in, probabilities and label out.
        Assert.Equal("features:float32[-1,4]", Describe(signature.Inputs.Single()));
        Assert.Equal(["label:int64[-1]", "probabilities:float32[-1,3]"], signature.Outputs.Select(Describe).Order());
    }

    private static string Describe(TensorSignature tensor) => $"{tensor.Name}:{tensor.ElementType}[{string.Join(",", tensor.Shape)}]";
}
