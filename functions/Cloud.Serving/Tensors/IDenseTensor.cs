namespace Cloud.Serving.Tensors;

/// <summary>A <see cref="DenseTensor{T}"/> whatever its element type: its elements as the bytes they are in memory.</summary>
internal interface IDenseTensor
{
    /// <summary>The elements' bytes, row-major, in the machine's (little-endian) order; a bool is one byte, 0 or 1.</summary>
    ReadOnlySpan<byte> Bytes { get; }
}
