namespace Cloud.OnnxRuntime;

/// <summary>
/// A tensor of fixed-size elements held in managed memory. As a Run input its memory is pinned and handed to
/// ORT without a copy; as an output it owns a fresh array copied out of ORT's buffer.
/// </summary>
/// <typeparam name="T">float, double, Half, sbyte, byte, short, ushort, int, uint, long, ulong or bool.</typeparam>
public sealed class DenseTensor<T> : Tensor
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

    internal override unsafe System.Buffers.MemoryHandle Pin(out nuint byteLength)
    {
        byteLength = (nuint)Buffer.Length * (nuint)sizeof(T);
        return Buffer.Pin();
    }

    private static TensorElementType ElementTypeOrThrow()
    {
        var type = TensorElementTypes.Of<T>();
        if (type == TensorElementType.Undefined)
        {
            throw new OnnxRuntimeException(OrtErrorCode.InvalidArgument,
                $"{typeof(T).Name} is not a tensor element type; use float, double, Half, sbyte, byte, short, ushort, int, uint, long, ulong or bool.");
        }

        return type;
    }
}
