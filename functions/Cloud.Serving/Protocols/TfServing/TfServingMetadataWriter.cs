using System.Globalization;
using System.Text.Json;
using Cloud.Registry.Onnx;
using Cloud.Serving.Tensors;

namespace Cloud.Serving.Protocols.TfServing;

/// <summary>
/// Writes the model status and metadata responses. TF Serving prints its protos as proto3 JSON with default
/// values included, which is why int64 fields (version, dim size) are strings and empty names are written.
/// </summary>
internal static class TfServingMetadataWriter
{
    /// <summary><c>{"model_version_status": [{"version", "state", "status": {"error_code", "error_message"}}]}</c>.</summary>
    public static void WriteModelStatus(Utf8JsonWriter writer, IEnumerable<TfVersionStatus> versions)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(versions);
        writer.WriteStartObject();
        writer.WriteStartArray("model_version_status"u8);
        foreach (var version in versions)
        {
            writer.WriteStartObject();
            writer.WriteString("version"u8, version.Version);
            writer.WriteString("state"u8, StateName(version.State));
            writer.WriteStartObject("status"u8);
            writer.WriteString("error_code"u8, version.ErrorCode);
            writer.WriteString("error_message"u8, version.ErrorMessage);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>
    /// <c>{"model_spec": {...}, "metadata": {"signature_def": {"signature_def": {"serving_default": {...}}}}}</c>:
    /// the model as one predict signature. Dimension names are the model's symbolic names ("batch"), or "".
    /// </summary>
    public static void WriteMetadata(Utf8JsonWriter writer, ServedModel model)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(model);
        writer.WriteStartObject();
        writer.WriteStartObject("model_spec"u8);
        writer.WriteString("name"u8, model.Name);
        writer.WriteString("signature_name"u8, ""u8);
        writer.WriteString("version"u8, model.Version);
        writer.WriteEndObject();

        writer.WriteStartObject("metadata"u8);
        writer.WriteStartObject("signature_def"u8);
        writer.WriteStartObject("signature_def"u8);
        writer.WriteStartObject("serving_default"u8);
        WriteTensorInfos(writer, "inputs"u8, model.Inputs);
        WriteTensorInfos(writer, "outputs"u8, model.Outputs);
        writer.WriteString("method_name"u8, "tensorflow/serving/predict"u8);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteTensorInfos(Utf8JsonWriter writer, ReadOnlySpan<byte> property, IReadOnlyList<ModelNode> nodes)
    {
        writer.WriteStartObject(property);
        foreach (var node in nodes)
        {
            writer.WriteStartObject(node.Name);
            writer.WriteString("dtype"u8, TfDataTypes.Name(node.ElementType));
            writer.WriteStartObject("tensor_shape"u8);
            writer.WriteStartArray("dim"u8);
            for (var i = 0; i < node.Dimensions.Count; i++)
            {
                writer.WriteStartObject();
                writer.WriteString("size"u8, node.Dimensions[i].ToString(CultureInfo.InvariantCulture));
                writer.WriteString("name"u8, node.SymbolicDimensions[i]);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteBoolean("unknown_rank"u8, false);
            writer.WriteEndObject();
            writer.WriteString("name"u8, node.Name);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private static string StateName(TfModelState state) => state switch
    {
        TfModelState.Start => "START",
        TfModelState.Loading => "LOADING",
        TfModelState.Available => "AVAILABLE",
        TfModelState.Unloading => "UNLOADING",
        TfModelState.End => "END",
        _ => "UNKNOWN",
    };
}
