using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace Cloud.Sdk.Prediction;

/// <summary>One input tensor of an Open Inference Protocol v2 request: a name, a datatype, a shape and its elements in row-major order.</summary>
public sealed class InferTensor
{
    private readonly Array _data;

    private InferTensor(string name, string datatype, long[] shape, Array data)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(shape);
        var expected = shape.Aggregate(1L, (product, d) => d >= 0 ? product * d : throw new ArgumentException($"Tensor '{name}' has a negative dimension in shape [{string.Join(", ", shape)}].", nameof(shape)));
        if (expected != data.Length)
        {
            throw new ArgumentException($"Tensor '{name}' has shape [{string.Join(", ", shape)}], which holds {expected} elements; the data has {data.Length}.", nameof(data));
        }

        Name = name;
        Datatype = datatype;
        Shape = shape;
        _data = data;
    }

    /// <summary>The input's name, as the model declares it.</summary>
    public string Name { get; }

    /// <summary>The OIP v2 datatype: FP32, FP64, INT32, INT64, BOOL or BYTES.</summary>
    public string Datatype { get; }

    /// <summary>The shape.</summary>
    public IReadOnlyList<long> Shape { get; }

    /// <summary>A float (FP32) tensor.</summary>
    /// <param name="name">The input's name.</param>
    /// <param name="shape">The shape; its product is the number of elements.</param>
    /// <param name="data">The elements, row-major.</param>
    /// <returns>The tensor.</returns>
    public static InferTensor Fp32(string name, long[] shape, float[] data) => new(name, "FP32", shape, data ?? throw new ArgumentNullException(nameof(data)));

    /// <summary>A double (FP64) tensor.</summary>
    /// <param name="name">The input's name.</param>
    /// <param name="shape">The shape.</param>
    /// <param name="data">The elements, row-major.</param>
    /// <returns>The tensor.</returns>
    public static InferTensor Fp64(string name, long[] shape, double[] data) => new(name, "FP64", shape, data ?? throw new ArgumentNullException(nameof(data)));

    // Int32 and Int64 are the protocol's datatype names (INT32, INT64), which a reader looks for here.
#pragma warning disable CA1720
    /// <summary>A 32-bit integer (INT32) tensor.</summary>
    /// <param name="name">The input's name.</param>
    /// <param name="shape">The shape.</param>
    /// <param name="data">The elements, row-major.</param>
    /// <returns>The tensor.</returns>
    public static InferTensor Int32(string name, long[] shape, int[] data) => new(name, "INT32", shape, data ?? throw new ArgumentNullException(nameof(data)));

    /// <summary>A 64-bit integer (INT64) tensor.</summary>
    /// <param name="name">The input's name.</param>
    /// <param name="shape">The shape.</param>
    /// <param name="data">The elements, row-major.</param>
    /// <returns>The tensor.</returns>
    public static InferTensor Int64(string name, long[] shape, long[] data) => new(name, "INT64", shape, data ?? throw new ArgumentNullException(nameof(data)));

#pragma warning restore CA1720

    /// <summary>A boolean (BOOL) tensor.</summary>
    /// <param name="name">The input's name.</param>
    /// <param name="shape">The shape.</param>
    /// <param name="data">The elements, row-major.</param>
    /// <returns>The tensor.</returns>
    public static InferTensor Bool(string name, long[] shape, bool[] data) => new(name, "BOOL", shape, data ?? throw new ArgumentNullException(nameof(data)));

    /// <summary>A string (BYTES) tensor, each element UTF-8.</summary>
    /// <param name="name">The input's name.</param>
    /// <param name="shape">The shape.</param>
    /// <param name="data">The elements, row-major.</param>
    /// <returns>The tensor.</returns>
    public static InferTensor Bytes(string name, long[] shape, string[] data) => new(name, "BYTES", shape, data ?? throw new ArgumentNullException(nameof(data)));

    internal void WriteData(Utf8JsonWriter writer)
    {
        writer.WriteStartArray("data"u8);
        switch (_data)
        {
            case float[] floats:
                foreach (var value in floats)
                {
                    // JSON has no NaN or Infinity; the API reads them as strings (docs/api.md, Non-finite values).
                    if (float.IsFinite(value)) writer.WriteNumberValue(value); else writer.WriteStringValue(NonFinite(value));
                }

                break;
            case double[] doubles:
                foreach (var value in doubles)
                {
                    if (double.IsFinite(value)) writer.WriteNumberValue(value); else writer.WriteStringValue(NonFinite(value));
                }

                break;
            case int[] ints:
                foreach (var value in ints) writer.WriteNumberValue(value);
                break;
            case long[] longs:
                foreach (var value in longs) writer.WriteNumberValue(value);
                break;
            case bool[] bools:
                foreach (var value in bools) writer.WriteBooleanValue(value);
                break;
            case string[] strings:
                foreach (var value in strings) writer.WriteStringValue(value);
                break;
        }

        writer.WriteEndArray();
    }

    /// <summary>The elements in the binary tensor extension's layout: little-endian, BYTES as a 4-byte length and the UTF-8.</summary>
    internal byte[] BinaryData()
    {
        switch (_data)
        {
            case string[] strings:
                {
                    var buffer = new MemoryStream();
                    Span<byte> length = stackalloc byte[4];
                    foreach (var value in strings)
                    {
                        var bytes = Encoding.UTF8.GetBytes(value);
                        BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)bytes.Length);
                        buffer.Write(length);
                        buffer.Write(bytes);
                    }

                    return buffer.ToArray();
                }

            case bool[] bools:
                return bools.Select(b => b ? (byte)1 : (byte)0).ToArray();
            default:
                {
                    // Every machine .NET runs on here is little-endian, so the array's bytes are the wire layout.
                    var bytes = new byte[Buffer.ByteLength(_data)];
                    Buffer.BlockCopy(_data, 0, bytes, 0, bytes.Length);
                    return BitConverter.IsLittleEndian ? bytes : throw new PlatformNotSupportedException("The binary tensor extension needs a little-endian machine.");
                }
        }
    }

    private static string NonFinite(double value) => double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity";
}
