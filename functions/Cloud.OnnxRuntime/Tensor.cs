using System.Collections.ObjectModel;

namespace Cloud.OnnxRuntime;

/// <summary>
/// A tensor: an element type, a shape, and its elements in row-major order. Use <see cref="DenseTensor{T}"/>
/// for numbers and booleans and <see cref="StringTensor"/> for strings.
/// </summary>
public abstract class Tensor
{
    private readonly long[] _shape;
    private ReadOnlyCollection<long>? _shapeView;

    private protected Tensor(TensorElementType elementType, ReadOnlySpan<long> shape, long length)
    {
        foreach (var dim in shape)
        {
            if (dim < 0)
            {
                throw new OnnxRuntimeException(OrtErrorCode.InvalidArgument,
                    $"A tensor's dimensions must be 0 or more; got {TensorElementTypes.FormatShape(shape)}.");
            }
        }

        _shape = shape.ToArray();
        ElementCount = ElementCountOf(shape);
        if (ElementCount != length)
        {
            throw new OnnxRuntimeException(OrtErrorCode.InvalidArgument,
                $"Shape {TensorElementTypes.FormatShape(shape)} holds {ElementCount} elements but {length} were given.");
        }

        ElementType = elementType;
    }

    /// <summary>The element type.</summary>
    public TensorElementType ElementType { get; }

    /// <summary>The dimensions (empty for a scalar).</summary>
    public IReadOnlyList<long> Shape => _shapeView ??= Array.AsReadOnly(_shape);

    /// <summary>The number of elements (the product of the dimensions; 1 for a scalar).</summary>
    public long ElementCount { get; }

    internal ReadOnlySpan<long> ShapeSpan => _shape;

    /// <summary>Pins the elements for the duration of one Run; strings have nothing to pin.</summary>
    internal abstract System.Buffers.MemoryHandle Pin(out nuint byteLength);

    /// <summary>Creates a dense tensor over <paramref name="data"/> (not copied) with the given shape.</summary>
    public static DenseTensor<T> Create<T>(T[] data, params long[] shape)
        where T : unmanaged => new(data, shape);

    /// <summary>Creates a string tensor over <paramref name="values"/> with the given shape.</summary>
    public static StringTensor CreateStrings(string[] values, params long[] shape) => new(values, shape);

    /// <inheritdoc/>
    public override string ToString() => $"{TensorElementTypes.Name(ElementType)}{TensorElementTypes.FormatShape(_shape)}";

    private static long ElementCountOf(ReadOnlySpan<long> shape)
    {
        long count = 1;
        foreach (var dim in shape)
        {
            count = checked(count * dim);
        }

        return count;
    }
}
