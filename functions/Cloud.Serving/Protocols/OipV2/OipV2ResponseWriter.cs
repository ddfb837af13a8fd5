using System.Text.Json;
using Cloud.Serving.Protocols.Tensors;

namespace Cloud.Serving.Protocols.OipV2;

/// <summary>Writes <c>/infer</c> responses.</summary>
internal static class OipV2ResponseWriter
{
    /// <summary>
    /// <c>{"model_name", "model_version", "id"?, "outputs": [{"name", "shape", "datatype", "data"}]}</c> with flat
    /// row-major data; "id" only when the request had one. An output the request asked for as binary data (the binary
    /// tensor data extension) has <c>"parameters": {"binary_data_size": n}</c> instead of "data"; its bytes follow the
    /// JSON, written by the caller (<see cref="RawTensors"/>).
    /// </summary>
    public static void WriteInferResponse(Utf8JsonWriter writer, ServedModel model, string? id, InferenceResponse response, OipV2Request? binary = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(response);
        writer.WriteStartObject();
        writer.WriteString("model_name"u8, model.Name);
        writer.WriteString("model_version"u8, model.Version);
        if (id is not null)
        {
            writer.WriteString("id"u8, id);
        }

        writer.WriteStartArray("outputs"u8);
        // Indexed loops, not foreach: the lists are interfaces, and foreach over one allocates an enumerator.
        for (var i = 0; i < response.Outputs.Count; i++)
        {
            var output = response.Outputs[i];
            writer.WriteStartObject();
            writer.WriteString("name"u8, output.Name);
            writer.WriteStartArray("shape"u8);
            var shape = output.Value.Shape;
            for (var d = 0; d < shape.Count; d++)
            {
                writer.WriteNumberValue(shape[d]);
            }

            writer.WriteEndArray();
            writer.WriteString("datatype"u8, OipV2DataTypes.Name(output.Value.ElementType));
            if (binary is not null && binary.IsBinary(i))
            {
                writer.WriteStartObject("parameters"u8);
                writer.WriteNumber("binary_data_size"u8, RawTensors.ByteSize(output.Value));
                writer.WriteEndObject();
            }
            else
            {
                writer.WritePropertyName("data"u8);
                TensorJsonWriter.WriteFlat(writer, output.Value);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
