using System.Text.Json;
using Cloud.Registry.Onnx;
using Cloud.Serving.Protocols;
using Cloud.Serving.Tensors;
using Microsoft.ML.OnnxRuntime;
using static Cloud.TestSupport.OnnxModelBuilder;

namespace Cloud.Serving.Tests.Protocols;

/// <summary>Served-model descriptions built from real sessions: the committed samples, or models built in the test.</summary>
internal static class TestModels
{
    private static readonly Lazy<ServedModel> IrisModel = new(LoadIris);
    private static readonly Lazy<ServedModel> AddFloatModel = new(() => FromFile("add", "2.0.0", SampleModels.Tiny("add_float.onnx")));

    /// <summary>features float32 [batch,4] (feature names from the manifest) → probabilities float32 [batch,3], label int64 [batch].</summary>
    public static ServedModel Iris => IrisModel.Value;

    /// <summary>a, b float32 [batch,4] → sum, diff float32 [batch,4].</summary>
    public static ServedModel AddFloat => AddFloatModel.Value;

    /// <summary>The committed identity_&lt;type&gt;.onnx: x → y, [batch,3].</summary>
    public static ServedModel Identity(string type) => FromFile("identity", "1.0.0", SampleModels.Tiny($"identity_{type}.onnx"));

    /// <summary>An identity model built here, for types and shapes the samples lack.</summary>
    public static ServedModel Built(params Input[] inputs)
    {
        using var session = new InferenceSession(OnnxModelBuilder.Identity(inputs));
        return new ServedModel("built", "1.0.0", ModelNode.InputsOf(session), ModelNode.OutputsOf(session));
    }

    public static ServedModel Built(IReadOnlyDictionary<string, IReadOnlyList<string>> featureNames, params Input[] inputs)
    {
        using var session = new InferenceSession(OnnxModelBuilder.Identity(inputs));
        return new ServedModel("built", "1.0.0", ModelNode.InputsOf(session), ModelNode.OutputsOf(session), featureNames);
    }

    /// <summary>Any model built in the test (OnnxModelBuilder's Binary, Constant, ...).</summary>
    public static ServedModel FromBytes(byte[] onnx)
    {
        using var session = new InferenceSession(onnx);
        return new ServedModel("built", "1.0.0", ModelNode.InputsOf(session), ModelNode.OutputsOf(session));
    }

    private static ServedModel FromFile(string name, string version, string path)
    {
        // ModelNode is plain managed data, so it outlives the session it was read from.
        using var session = new InferenceSession(path);
        return new ServedModel(name, version, ModelNode.InputsOf(session), ModelNode.OutputsOf(session));
    }

    private static ServedModel LoadIris()
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repo.IrisFolder, "model.json")));
        var names = manifest.RootElement.GetProperty("inputs").GetProperty("features").GetProperty("featureNames")
            .EnumerateArray().Select(n => n.GetString()!).ToArray();
        using var session = new InferenceSession(Path.Combine(Repo.IrisFolder, "model.onnx"));
        return new ServedModel("iris", "1.0.0", ModelNode.InputsOf(session), ModelNode.OutputsOf(session), new Dictionary<string, IReadOnlyList<string>> { ["features"] = names });
    }
}
