using Cloud.Registry.Onnx;
using Cloud.Serving.Tensors;

namespace Cloud.Serving.Protocols;

/// <summary>
/// What the protocol codecs need to know about one loaded model version: its name and version for responses,
/// its signature to decode requests against, and the manifest's feature names so a row may be an object keyed
/// by feature. The serving layer builds one per loaded version (from the session and the manifest) and keeps it
/// for the version's lifetime: lookups the codecs need on every request are built once, here.
/// </summary>
internal sealed class ServedModel
{
    public ServedModel(string name, string version, IReadOnlyList<ModelNode> inputs, IReadOnlyList<ModelNode> outputs,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? featureNames = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        Name = name;
        Version = version;
        Inputs = inputs;
        Outputs = outputs;
        FeatureNames = featureNames ?? new Dictionary<string, IReadOnlyList<string>>();
        Signature = new ServedSignature(inputs, outputs, FeatureNames);
    }

    /// <summary>The model name, as routed and as written in responses.</summary>
    public string Name { get; }

    /// <summary>The version that serves (a semver string in Cloud).</summary>
    public string Version { get; }

    /// <summary>The model's inputs, in declaration order.</summary>
    public IReadOnlyList<ModelNode> Inputs { get; }

    /// <summary>The model's outputs, in declaration order.</summary>
    public IReadOnlyList<ModelNode> Outputs { get; }

    /// <summary>Per input name, the manifest's feature names for dimension 1 of a [batch, n] input; may be empty.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> FeatureNames { get; }

    /// <summary>Whether requests may carry NaN/Infinity in floating-point inputs (the manifest's allowNonFinite; see <see cref="NonFiniteInputs"/>).</summary>
    public bool AllowNonFinite { get; init; }

    /// <summary>The decoding view of the signature: name lookups, element readers, message texts.</summary>
    internal ServedSignature Signature { get; }
}
