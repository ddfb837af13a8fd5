using System.Text.Json;
using Cloud.Registry.Onnx;
using Cloud.Serving.Tensors;

namespace Cloud.Serving.Protocols.OipV2;

/// <summary>Writes the server and model metadata responses.</summary>
internal static class OipV2MetadataWriter
{
    /// <summary>The server's name in <c>GET /v2</c>.</summary>
    public const string ServerName = "cloud";

    /// <summary>The platform string KServe and Triton use for ONNX models.</summary>
    public const string Platform = "onnx_onnxv1";

    /// <summary>The protocol extensions the server metadata lists (HTTP and gRPC alike).</summary>
    public static IReadOnlyList<string> Extensions { get; } = ["binary_tensor_data"];

    /// <summary><c>{"name": "cloud", "version", "extensions": [...]}</c>; <paramref name="extensions"/> defaults to <see cref="Extensions"/>.</summary>
    public static void WriteServerMetadata(Utf8JsonWriter writer, string version, IEnumerable<string>? extensions = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(version);
        writer.WriteStartObject();
        writer.WriteString("name"u8, ServerName);
        writer.WriteString("version"u8, version);
        writer.WriteStartArray("extensions"u8);
        foreach (var extension in extensions ?? Extensions)
        {
            writer.WriteStringValue(extension);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>
    /// <c>{"name", "versions": [...], "platform": "onnx_onnxv1", "inputs": [{"name", "datatype", "shape"}], "outputs": [...],
    /// "parameters": {"batchable": bool}}</c>; free dimensions are -1. "batchable" says whether requests of this
    /// version are batches of rows the server may stack with others (see <see cref="ServedSignature.Batchable"/>);
    /// where false, every request runs as one call with the shapes it brings (Triton's <c>max_batch_size: 0</c>).
    /// </summary>
    /// <param name="writer">The writer.</param>
    /// <param name="model">The version described (its signature).</param>
    /// <param name="versions">The model's versions to list; null lists only <paramref name="model"/>'s.</param>
    public static void WriteModelMetadata(Utf8JsonWriter writer, ServedModel model, IEnumerable<string>? versions = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(model);
        writer.WriteStartObject();
        writer.WriteString("name"u8, model.Name);
        writer.WriteStartArray("versions"u8);
        foreach (var version in versions ?? [model.Version])
        {
            writer.WriteStringValue(version);
        }

        writer.WriteEndArray();
        writer.WriteString("platform"u8, Platform);
        WriteTensorMetadata(writer, "inputs"u8, model.Inputs);
        WriteTensorMetadata(writer, "outputs"u8, model.Outputs);
        writer.WriteStartObject("parameters"u8);
        writer.WriteBoolean("batchable"u8, model.Signature.Batchable);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteTensorMetadata(Utf8JsonWriter writer, ReadOnlySpan<byte> property, IReadOnlyList<ModelNode> nodes)
    {
        writer.WriteStartArray(property);
        foreach (var node in nodes)
        {
            writer.WriteStartObject();
            writer.WriteString("name"u8, node.Name);
            writer.WriteString("datatype"u8, OipV2DataTypes.Name(node.ElementType));
            writer.WriteStartArray("shape"u8);
            foreach (var dim in node.Dimensions)
            {
                writer.WriteNumberValue(dim);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }
}
