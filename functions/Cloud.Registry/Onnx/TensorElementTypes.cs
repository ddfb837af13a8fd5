namespace Cloud.Registry.Onnx;

/// <summary>Maps CLR element types to ONNX element types and gives each a readable name for messages.</summary>
internal static class TensorElementTypes
{
    /// <summary>Not a tensor, or no element type: ONNX's 0, which the package's enum has no member for.</summary>
    public const TensorElementType Undefined = 0;

    /// <summary>The ONNX element type of <typeparamref name="T"/>, or <see cref="Undefined"/> when it has none.</summary>
    public static TensorElementType Of<T>()
        where T : unmanaged
    {
        // typeof(T) == typeof(X) on value types is folded by the JIT, so this is free at run time.
        if (typeof(T) == typeof(float)) return TensorElementType.Float;
        if (typeof(T) == typeof(double)) return TensorElementType.Double;
        if (typeof(T) == typeof(Half)) return TensorElementType.Float16;
        if (typeof(T) == typeof(Microsoft.ML.OnnxRuntime.BFloat16)) return TensorElementType.BFloat16;
        if (typeof(T) == typeof(sbyte)) return TensorElementType.Int8;
        if (typeof(T) == typeof(byte)) return TensorElementType.UInt8;
        if (typeof(T) == typeof(short)) return TensorElementType.Int16;
        if (typeof(T) == typeof(ushort)) return TensorElementType.UInt16;
        if (typeof(T) == typeof(int)) return TensorElementType.Int32;
        if (typeof(T) == typeof(uint)) return TensorElementType.UInt32;
        if (typeof(T) == typeof(long)) return TensorElementType.Int64;
        if (typeof(T) == typeof(ulong)) return TensorElementType.UInt64;
        if (typeof(T) == typeof(bool)) return TensorElementType.Bool;
        return Undefined;
    }

    /// <summary>Bytes per element of a fixed-size element type; 0 for strings and unsupported types.</summary>
    public static int SizeOf(TensorElementType type) => type switch
    {
        TensorElementType.Float or TensorElementType.Int32 or TensorElementType.UInt32 => 4,
        TensorElementType.Double or TensorElementType.Int64 or TensorElementType.UInt64 => 8,
        TensorElementType.Float16 or TensorElementType.BFloat16 or TensorElementType.Int16 or TensorElementType.UInt16 => 2,
        TensorElementType.Int8 or TensorElementType.UInt8 or TensorElementType.Bool => 1,
        _ => 0,
    };

    /// <summary>A short lower-case name used in messages: float32, float64, float16, int8, ..., bool, string.</summary>
    public static string Name(TensorElementType type) => type switch
    {
        TensorElementType.Float => "float32",
        TensorElementType.Double => "float64",
        TensorElementType.Float16 => "float16",
        TensorElementType.BFloat16 => "bfloat16",
        TensorElementType.Int8 => "int8",
        TensorElementType.UInt8 => "uint8",
        TensorElementType.Int16 => "int16",
        TensorElementType.UInt16 => "uint16",
        TensorElementType.Int32 => "int32",
        TensorElementType.UInt32 => "uint32",
        TensorElementType.Int64 => "int64",
        TensorElementType.UInt64 => "uint64",
        TensorElementType.Bool => "bool",
        TensorElementType.String => "string",
        TensorElementType.Complex64 => "complex64",
        TensorElementType.Complex128 => "complex128",
        _ => "undefined",
    };

    /// <summary>Formats a shape as [d0,d1,...] (used in messages).</summary>
    public static string FormatShape(ReadOnlySpan<long> shape) => "[" + string.Join(",", shape.ToArray()) + "]";
}
