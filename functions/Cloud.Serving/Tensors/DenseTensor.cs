using Cloud.Registry.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace Cloud.Serving.Tensors;

/// <summary>
/// A tensor of fixed-size elements held in managed memory. As a Run input its memory is pinned and handed to
/// ORT without a copy; as an output it holds the rows of one request, copied once out of ORT's buffer.
/// </summary>
/// <typeparam name="T">float, double, Half, sbyte, byte, short, ushort, int, uint, long, ulong or bool.</typeparam>
internal sealed class DenseTensor<T> : Tensor, IDenseTensor
    where T : unmanaged
{
    /// <summary>Creates a tensor over <paramref name="buffer"/> (not copied) with the given shape.</summary>
    public DenseTensor(Memory<T> buffer, ReadOnlySpan<long> shape)
        : base(ElementTypeOrThrow(), shape, buffer.Length)
    {
        Buffer = buffer;
    }

    /// <summary>The elements, row-major.</summary>
    public Memory<T> Buffer { get; }

    /// <summary>The elements, row-major.</summary>
    public Span<T> Span => Buffer.Span;

    /// <summary>The elements as a new array.</summary>
    public T[] ToArray() => Buffer.ToArray();

    /// <inheritdoc/>
    public ReadOnlySpan<byte> Bytes => System.Runtime.InteropServices.MemoryMarshal.AsBytes(Buffer.Span);

    internal override unsafe OrtValue ToOrtValue(out System.Buffers.MemoryHandle pin)
    {
        // The raw-pointer form, not CreateTensorValueFromMemory<T>: the package maps Half and bool differently
        // (its own Float16 type), while the element type here is already known.
        pin = Buffer.Pin();
        try
        {
            return OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, ElementType, ShapeArray, (nint)pin.Pointer, (long)Buffer.Length * sizeof(T));
        }
        catch
        {
            pin.Dispose();
            throw;
        }
    }

    private static TensorElementType ElementTypeOrThrow()
    {
        var type = TensorElementTypes.Of<T>();
        if (type == TensorElementTypes.Undefined)
        {
            throw new ArgumentException($"{typeof(T).Name} is not a tensor element type; use float, double, Half, sbyte, byte, short, ushort, int, uint, long, ulong or bool.");
        }

        return type;
    }
}
