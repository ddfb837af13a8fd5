namespace Cloud.Sdk.Manifests;

/// <summary>What the manifest says about one model input (an entry of <c>inputs</c>, keyed by the ONNX input name).</summary>
public sealed record InputSpec
{
    /// <summary>
    /// Names of the input's last dimension, in order. With them an instance can be a JSON object
    /// (<c>{"sepal_length": 5.1, ...}</c>) instead of a bare array, and a validation dataset's columns are found by name.
    /// </summary>
    public required IReadOnlyList<string> FeatureNames { get; init; }
}
