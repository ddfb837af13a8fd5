using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Cloud.Sdk.Prediction;

/// <summary>
/// An output's elements as the <see cref="InferOutput.Data"/> array a JSON answer would have held, made from raw
/// little-endian bytes: gRPC's raw_output_contents and the binary tensor data extension's answers share the layout,
/// so one decoder serves both and every transport gives the caller the same outputs.
/// </summary>
internal static class OutputData
{
    // NaN and the infinities come out as the strings a JSON answer writes ("NaN"), which ToSingleArray reads back.
    private static readonly JsonSerializerOptions DataOptions = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>The elements of <paramref name="raw"/>, which must hold exactly <paramref name="shape"/>'s count of them.</summary>
    /// <exception cref="CloudRequestException">The datatype is unknown here, or the bytes do not hold the shape.</exception>
    public static JsonElement FromRaw(string name, string datatype, IReadOnlyList<long> shape, ReadOnlySpan<byte> raw)
    {
        var count = shape.Aggregate(1L, (product, d) => product * d);
        var size = datatype switch
        {
            "FP64" or "INT64" or "UINT64" => 8,
            "FP32" or "INT32" or "UINT32" => 4,
            "FP16" or "BF16" or "INT16" or "UINT16" => 2,
            "INT8" or "UINT8" or "BOOL" => 1,
            "BYTES" => 0,
            _ => throw new CloudRequestException($"The answer has an output of datatype '{datatype}', which this client does not read."),
        };
        if (size > 0 && raw.Length != count * size)
        {
            throw new CloudRequestException($"The answer's output '{name}' is {datatype} of shape [{string.Join(", ", shape)}], {count * size} bytes, but {raw.Length} bytes came.");
        }

        return datatype switch
        {
            "FP32" => Of(MemoryMarshal.Cast<byte, float>(raw).ToArray()),
            "FP64" => Of(MemoryMarshal.Cast<byte, double>(raw).ToArray()),
            "FP16" => Of(MemoryMarshal.Cast<byte, Half>(raw).ToArray().Select(h => (float)h).ToArray()),
            // A bfloat16 is the top half of a float's bits, so widening is exact.
            "BF16" => Of(MemoryMarshal.Cast<byte, ushort>(raw).ToArray().Select(b => BitConverter.Int32BitsToSingle(b << 16)).ToArray()),
            "INT8" => Of(MemoryMarshal.Cast<byte, sbyte>(raw).ToArray()),
            "INT16" => Of(MemoryMarshal.Cast<byte, short>(raw).ToArray()),
            "INT32" => Of(MemoryMarshal.Cast<byte, int>(raw).ToArray()),
            "INT64" => Of(MemoryMarshal.Cast<byte, long>(raw).ToArray()),
            // As ints: a byte[] would be serialized as one base64 string, not an array of numbers.
            "UINT8" => Of(raw.ToArray().Select(b => (int)b).ToArray()),
            "UINT16" => Of(MemoryMarshal.Cast<byte, ushort>(raw).ToArray()),
            "UINT32" => Of(MemoryMarshal.Cast<byte, uint>(raw).ToArray()),
            "UINT64" => Of(MemoryMarshal.Cast<byte, ulong>(raw).ToArray()),
            "BOOL" => Of(raw.ToArray().Select(b => b != 0).ToArray()),
            _ => Of(Strings(name, shape, count, raw)),
        };
    }

    /// <summary>Elements already typed (gRPC's typed contents), as the same kind of array.</summary>
    public static JsonElement Of<T>(T values) => JsonSerializer.SerializeToElement(values, DataOptions);

    /// <summary>BYTES elements: each a 4-byte little-endian length and that many bytes of UTF-8.</summary>
    private static string[] Strings(string name, IReadOnlyList<long> shape, long count, ReadOnlySpan<byte> raw)
    {
        var values = new List<string>();
        while (raw.Length > 0)
        {
            if (raw.Length < 4 || BinaryPrimitives.ReadUInt32LittleEndian(raw) > (uint)(raw.Length - 4))
            {
                throw new CloudRequestException($"The answer's BYTES output '{name}' is cut off: element {values.Count} has no whole length prefix and value in the {raw.Length} bytes that remain.");
            }

            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(raw);
            values.Add(Encoding.UTF8.GetString(raw.Slice(4, length)));
            raw = raw[(4 + length)..];
        }

        return values.Count == count ? [.. values]
            : throw new CloudRequestException($"The answer's BYTES output '{name}' has shape [{string.Join(", ", shape)}], {count} elements, but holds {values.Count}.");
    }
}
