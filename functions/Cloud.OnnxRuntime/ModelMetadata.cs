namespace Cloud.OnnxRuntime;

/// <summary>The model-level metadata of an ONNX file (ModelProto fields and its metadata_props map).</summary>
/// <param name="ProducerName">The tool that produced the model.</param>
/// <param name="GraphName">The graph's name.</param>
/// <param name="GraphDescription">The graph's doc string.</param>
/// <param name="Domain">The model's domain.</param>
/// <param name="Description">The model's doc string.</param>
/// <param name="Version">The model's version number (ModelProto.model_version).</param>
/// <param name="CustomMetadata">The metadata_props key/value pairs.</param>
public sealed record ModelMetadata(
    string ProducerName,
    string GraphName,
    string GraphDescription,
    string Domain,
    string Description,
    long Version,
    IReadOnlyDictionary<string, string> CustomMetadata);
