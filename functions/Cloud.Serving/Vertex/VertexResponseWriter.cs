using System.Text.Json;
using Cloud.Serving.Protocols.TfServing;

namespace Cloud.Serving.Vertex;

/// <summary>
/// Vertex AI's predict answer: <c>{"predictions": [...], "deployedModelId": "..."}</c>. The predictions are TF Serving's
/// row format (one entry per instance: the value for a one-output model, else an object keyed by output name), so a
/// client reads the same rows from Vertex as from <c>/v1/models/{m}:predict</c>.
/// </summary>
internal static class VertexResponseWriter
{
    public static void Write(Utf8JsonWriter writer, InferenceResponse response, string? deployedModelId)
    {
        writer.WriteStartObject();
        TfServingResponseWriter.WritePredictions(writer, response);
        if (deployedModelId is not null)
        {
            writer.WriteString("deployedModelId"u8, deployedModelId);
        }

        writer.WriteEndObject();
    }
}
