using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Cloud.Serving.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace Cloud.Host.Tests.Conformance;

/// <summary>
/// A case's tensors as raw bytes, written and read here from the binary tensor data extension's text (and the gRPC
/// proto's comments on raw contents): little-endian, row-major, BOOL one byte, BYTES each element a 4-byte
/// little-endian length and its UTF-8 bytes. Independent of the server's codec.
/// </summary>
internal static class RawCaseTensors
{
    /// <summary>The datatype a raw tensor travels as: JSON's table plus BF16, which only travels raw.</summary>
    public static string DataType(TensorElementType type) => type == TensorElementType.BFloat16 ? "BF16" : OipV2CaseRequest.DataType(type);

    /// <summary>A dense tensor's own element bytes (little-endian, bools one byte); strings prefixed here.</summary>
    public static byte[] ToBytes(Tensor tensor) => tensor switch
    {
        StringTensor t => Strings(t),
        IDenseTensor t => t.Bytes.ToArray(),
        _ => throw new ArgumentOutOfRangeException(nameof(tensor), tensor, "no raw form"),
    };

    /// <exception cref="FormatException">The bytes do not fill the shape.</exception>
    public static Tensor FromBytes(string datatype, long[] shape, ReadOnlySpan<byte> bytes)
    {
        var type = datatype == "BF16" ? TensorElementType.BFloat16 : OipV2CaseRequest.DataTypes.FirstOrDefault(p => p.Value == datatype).Key;
        return type switch
        {
            TensorElementType.String => ReadStrings(shape, bytes),
            TensorElementType.Float => Dense<float>(shape, bytes),
            TensorElementType.Double => Dense<double>(shape, bytes),
            TensorElementType.Float16 => Dense<Half>(shape, bytes),
            TensorElementType.BFloat16 => Dense<BFloat16>(shape, bytes),
            TensorElementType.Int8 => Dense<sbyte>(shape, bytes),
            TensorElementType.UInt8 => Dense<byte>(shape, bytes),
            TensorElementType.Int16 => Dense<short>(shape, bytes),
            TensorElementType.UInt16 => Dense<ushort>(shape, bytes),
            TensorElementType.Int32 => Dense<int>(shape, bytes),
            TensorElementType.UInt32 => Dense<uint>(shape, bytes),
            TensorElementType.Int64 => Dense<long>(shape, bytes),
            TensorElementType.UInt64 => Dense<ulong>(shape, bytes),
            TensorElementType.Bool => Dense<bool>(shape, bytes),
            _ => throw new FormatException($"Unknown datatype '{datatype}'."),
        };
    }

    private static byte[] Strings(StringTensor tensor)
    {
        using var buffer = new MemoryStream();
        Span<byte> prefix = stackalloc byte[4];
        foreach (var value in tensor.Values)
        {
            var utf8 = Encoding.UTF8.GetBytes(value);
            BinaryPrimitives.WriteUInt32LittleEndian(prefix, (uint)utf8.Length);
            buffer.Write(prefix);
            buffer.Write(utf8);
        }

        return buffer.ToArray();
    }

    private static DenseTensor<T> Dense<T>(long[] shape, ReadOnlySpan<byte> bytes)
        where T : unmanaged
    {
        var count = shape.Aggregate(1L, (a, b) => a * b);
        if (bytes.Length != count * System.Runtime.CompilerServices.Unsafe.SizeOf<T>())
        {
            throw new FormatException($"{bytes.Length} bytes for {count} elements of {typeof(T).Name}.");
        }

        return new DenseTensor<T>(MemoryMarshal.Cast<byte, T>(bytes).ToArray(), shape);
    }

    private static StringTensor ReadStrings(long[] shape, ReadOnlySpan<byte> bytes)
    {
        var values = new List<string>();
        while (bytes.Length > 0)
        {
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes);
            values.Add(Encoding.UTF8.GetString(bytes.Slice(4, length)));
            bytes = bytes[(4 + length)..];
        }

        return new StringTensor([.. values], shape);
    }
}
