using System.Text.Json;
using Cloud.Serving.Protocols.Tensors;
using Cloud.Serving.Tensors;

namespace Cloud.Serving.Protocols.TfServing;

/// <summary>Writes <c>:predict</c> responses in the format the request used.</summary>
internal static class TfServingResponseWriter
{
    // Indexed loops, not foreach: the lists are interfaces, and foreach over one allocates an enumerator per response.

    /// <summary>
    /// Row format: <c>{"predictions": [...]}</c>, one entry per row: the value (nested lists for non-scalar rows)
    /// when the response has one output, else an object keyed by output name. Columnar format:
    /// <c>{"outputs": tensor}</c> for one output, else <c>{"outputs": {"name": tensor, ...}}</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// Row format and the outputs do not share dimension 0 (a model whose output has no batch dimension cannot be
    /// split into rows); nothing has been written.
    /// </exception>
    public static void WritePredictResponse(Utf8JsonWriter writer, InferenceResponse response, TfServingFormat format)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(response);
        var outputs = response.Outputs;
        if (format == TfServingFormat.Columnar)
        {
            writer.WriteStartObject();
            writer.WritePropertyName("outputs"u8);
            if (outputs.Count == 1)
            {
                TensorJsonWriter.WriteNested(writer, outputs[0].Value);
            }
            else
            {
                WriteNamedTensors(writer, outputs);
            }

            writer.WriteEndObject();
            return;
        }

        writer.WriteStartObject();
        WritePredictions(writer, response);
        writer.WriteEndObject();
    }

    /// <summary>
    /// The row format's <c>"predictions": [...]</c> property inside an object the caller opened: one entry per row, the
    /// value when the response has one output, else an object keyed by output name. Vertex AI's answer is this property
    /// plus its own.
    /// </summary>
    /// <exception cref="InvalidOperationException">The outputs do not share dimension 0; nothing has been written.</exception>
    public static void WritePredictions(Utf8JsonWriter writer, InferenceResponse response)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(response);
        var outputs = response.Outputs;
        var rows = CheckRows(outputs);
        writer.WritePropertyName("predictions"u8);
        writer.WriteStartArray();
        for (var row = 0; row < rows; row++)
        {
            if (outputs.Count == 1)
            {
                TensorJsonWriter.WriteRow(writer, outputs[0].Value, row);
                continue;
            }

            writer.WriteStartObject();
            for (var i = 0; i < outputs.Count; i++)
            {
                writer.WritePropertyName(outputs[i].Name);
                TensorJsonWriter.WriteRow(writer, outputs[i].Value, row);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void WriteNamedTensors(Utf8JsonWriter writer, IReadOnlyList<NamedTensor> outputs)
    {
        writer.WriteStartObject();
        for (var i = 0; i < outputs.Count; i++)
        {
            writer.WritePropertyName(outputs[i].Name);
            TensorJsonWriter.WriteNested(writer, outputs[i].Value);
        }

        writer.WriteEndObject();
    }

    private static int CheckRows(IReadOnlyList<NamedTensor> outputs)
    {
        if (outputs.Count == 0)
        {
            throw new InvalidOperationException("The response has no outputs.");
        }

        var rows = TensorJsonWriter.Rows(outputs[0].Value);
        for (var i = 0; i < outputs.Count; i++)
        {
            var output = outputs[i];
            if (output.Value.Shape.Count == 0 || output.Value.Shape[0] != rows)
            {
                throw new InvalidOperationException(
                    $"Output '{output.Name}' is {output.Value} but '{outputs[0].Name}' has {rows} rows; row-format responses need every output to share dimension 0.");
            }
        }

        return checked((int)rows);
    }
}
