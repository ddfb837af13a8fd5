using System.Collections.ObjectModel;
using Cloud.Registry.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace Cloud.Serving.Tensors;

/// <summary>
/// A tensor as the protocol codecs read and write it: an element type, a shape, and its elements in row-major
/// order in managed memory. Use <see cref="DenseTensor{T}"/> for numbers and booleans and <see cref="StringTensor"/>
/// for strings. Runs hand it to ONNX Runtime as an <see cref="OrtValue"/> over the same memory.
/// </summary>
internal abstract class Tensor
{
    private readonly long[] _shape;
    private ReadOnlyCollection<long>? _shapeView;

    private protected Tensor(TensorElementType elementType, ReadOnlySpan<long> shape, long length)
    {
        foreach (var dim in shape)
        {
            if (dim < 0)
            {
                throw new ArgumentException($"A tensor's dimensions must be 0 or more; got {TensorElementTypes.FormatShape(shape)}.");
            }
        }

        _shape = shape.ToArray();
        ElementCount = ElementCountOf(shape);
        if (ElementCount != length)
        {
            throw new ArgumentException($"Shape {TensorElementTypes.FormatShape(shape)} holds {ElementCount} elements but {length} were given.");
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

    /// <summary>The dimensions without a copy, for ORT, which only reads them.</summary>
    internal long[] ShapeArray => _shape;

    /// <summary>
    /// An ORT value for one Run: dense elements are pinned and handed over without a copy (<paramref name="pin"/>
    /// must outlive the value); strings are copied into ORT's string tensor, as ORT holds them as UTF-8.
    /// </summary>
    internal abstract OrtValue ToOrtValue(out System.Buffers.MemoryHandle pin);

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
