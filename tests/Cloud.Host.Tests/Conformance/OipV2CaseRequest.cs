using System.Text.Json;
using Cloud.Serving.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace Cloud.Host.Tests.Conformance;

/// <summary>
/// Writes a case's inputs as an Open Inference Protocol v2 <c>/infer</c> body, the way a client would from the
/// protocol's text alone: the datatype named after the element type, the shape, and the elements flat in row-major
/// order, each written by <see cref="CaseJsonValues"/>.
/// </summary>
internal static class OipV2CaseRequest
{
    public static byte[] Write(IReadOnlyList<NamedTensor> inputs)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("inputs");
            foreach (var input in inputs)
            {
                writer.WriteStartObject();
                writer.WriteString("name", input.Name);
                writer.WriteStartArray("shape");
                foreach (var dim in input.Value.Shape)
                {
                    writer.WriteNumberValue(dim);
                }

                writer.WriteEndArray();
                writer.WriteString("datatype", DataType(input.Value.ElementType));
                writer.WriteStartArray("data");
                CaseJsonValues.Write(writer, input.Value, 0, checked((int)input.Value.ElementCount));
                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>The protocol's datatype of each element type JSON can carry (the KServe v2 table).</summary>
    public static IReadOnlyDictionary<TensorElementType, string> DataTypes { get; } = new Dictionary<TensorElementType, string>
    {
        [TensorElementType.Bool] = "BOOL",
        [TensorElementType.UInt8] = "UINT8",
        [TensorElementType.UInt16] = "UINT16",
        [TensorElementType.UInt32] = "UINT32",
        [TensorElementType.UInt64] = "UINT64",
        [TensorElementType.Int8] = "INT8",
        [TensorElementType.Int16] = "INT16",
        [TensorElementType.Int32] = "INT32",
        [TensorElementType.Int64] = "INT64",
        [TensorElementType.Float16] = "FP16",
        [TensorElementType.Float] = "FP32",
        [TensorElementType.Double] = "FP64",
        [TensorElementType.String] = "BYTES",
    };

    /// <summary>The protocol's datatype for an element type.</summary>
    public static string DataType(TensorElementType type) =>
        DataTypes.TryGetValue(type, out var datatype) ? datatype
            : throw new ArgumentOutOfRangeException(nameof(type), type, "no Open Inference Protocol datatype carries it in JSON");
}
