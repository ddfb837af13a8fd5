using System.Runtime.InteropServices;
using Cloud.Registry.Onnx;
using Cloud.Serving.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace Cloud.Serving.Models;

/// <summary>
/// Reads rows of an ORT output value into a managed tensor: the response outlives the run (it crosses from the
/// batcher's thread to the request's), so each request's rows are copied once, straight from ORT's buffer.
/// </summary>
internal static class OutputTensors
{
    /// <summary>The dimensions of an output value.</summary>
    public static long[] ShapeOf(OrtValue value) => value.GetTensorTypeAndShape().Shape;

    /// <summary>The whole value.</summary>
    public static Tensor Read(OrtValue value, string name)
    {
        var shape = ShapeOf(value);
        return Read(value, name, 0, shape.Length == 0 ? 1 : checked((int)shape[0]));
    }

    /// <summary>Rows <paramref name="startRow"/> to <paramref name="startRow"/> + <paramref name="rows"/> along dimension 0.</summary>
    public static Tensor Read(OrtValue value, string name, int startRow, int rows)
    {
        if (!value.IsTensor)
        {
            throw new NotSupportedException($"Output '{name}' is a {value.OnnxType}, not a tensor; Cloud serves tensor outputs only.");
        }

        var info = value.GetTensorTypeAndShape();
        var shape = info.Shape;
        var rowSize = RowSize(shape);
        var start = checked(startRow * rowSize);
        var count = checked(rows * rowSize);
        if (shape.Length > 0)
        {
            shape = (long[])shape.Clone();
            shape[0] = rows;
        }

        return info.ElementDataType switch
        {
            TensorElementType.Float => Dense<float>(value, shape, start, count),
            TensorElementType.Double => Dense<double>(value, shape, start, count),
            TensorElementType.Float16 => Dense<Half>(value, shape, start, count),
            TensorElementType.BFloat16 => Dense<BFloat16>(value, shape, start, count),
            TensorElementType.Int8 => Dense<sbyte>(value, shape, start, count),
            TensorElementType.UInt8 => Dense<byte>(value, shape, start, count),
            TensorElementType.Int16 => Dense<short>(value, shape, start, count),
            TensorElementType.UInt16 => Dense<ushort>(value, shape, start, count),
            TensorElementType.Int32 => Dense<int>(value, shape, start, count),
            TensorElementType.UInt32 => Dense<uint>(value, shape, start, count),
            TensorElementType.Int64 => Dense<long>(value, shape, start, count),
            TensorElementType.UInt64 => Dense<ulong>(value, shape, start, count),
            TensorElementType.Bool => Dense<bool>(value, shape, start, count),
            TensorElementType.String => Strings(value, shape, start, count),
            var other => throw new NotSupportedException($"Output '{name}' has element type {TensorElementTypes.Name(other)}, which Cloud cannot serve."),
        };
    }

    private static DenseTensor<T> Dense<T>(OrtValue value, long[] shape, int start, int count)
        where T : unmanaged
    {
        // Raw bytes rather than GetTensorDataAsSpan<T>: the package types float16 as its own Float16, not Half.
        var elements = MemoryMarshal.Cast<byte, T>(value.GetTensorMutableRawData());
        return new DenseTensor<T>(elements.Slice(start, count).ToArray(), shape);
    }

    private static StringTensor Strings(OrtValue value, long[] shape, int start, int count)
    {
        var values = new string[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = value.GetStringElement(start + i);
        }

        return new StringTensor(values, shape);
    }

    private static int RowSize(long[] shape)
    {
        long size = 1;
        for (var d = 1; d < shape.Length; d++)
        {
            size *= shape[d];
        }

        return checked((int)size);
    }
}
