namespace Cloud.Sdk.Manifests;

/// <summary>The serialization format of the model file (manifest field <c>format</c>).</summary>
public enum ModelFormat
{
    /// <summary>ONNX (<c>"onnx"</c>), run by ONNX Runtime. The only format for now.</summary>
    Onnx,
}
