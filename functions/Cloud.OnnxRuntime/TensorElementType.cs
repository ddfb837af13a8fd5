namespace Cloud.OnnxRuntime;

/// <summary>Element types of tensors; values match <c>ONNXTensorElementDataType</c> (and ONNX's TensorProto.DataType).</summary>
#pragma warning disable CA1720 // The members are named for the element types they stand for, as in ONNX.
public enum TensorElementType
{
    /// <summary>Not a tensor, or not known.</summary>
    Undefined = 0,
    /// <summary>32-bit IEEE float (<see cref="float"/>).</summary>
    Float = 1,
    /// <summary>Unsigned byte (<see cref="byte"/>).</summary>
    UInt8 = 2,
    /// <summary>Signed byte (<see cref="sbyte"/>).</summary>
    Int8 = 3,
    /// <summary><see cref="ushort"/>.</summary>
    UInt16 = 4,
    /// <summary><see cref="short"/>.</summary>
    Int16 = 5,
    /// <summary><see cref="int"/>.</summary>
    Int32 = 6,
    /// <summary><see cref="long"/>.</summary>
    Int64 = 7,
    /// <summary>UTF-8 strings (<see cref="string"/>).</summary>
    String = 8,
    /// <summary>One byte per element (<see cref="bool"/>).</summary>
    Bool = 9,
    /// <summary>16-bit IEEE float (<see cref="Half"/>).</summary>
    Float16 = 10,
    /// <summary>64-bit IEEE float (<see cref="double"/>).</summary>
    Double = 11,
    /// <summary><see cref="uint"/>.</summary>
    UInt32 = 12,
    /// <summary><see cref="ulong"/>.</summary>
    UInt64 = 13,
    /// <summary>Complex of two floats (not supported by this binding's tensors).</summary>
    Complex64 = 14,
    /// <summary>Complex of two doubles (not supported by this binding's tensors).</summary>
    Complex128 = 15,
    /// <summary>Brain float 16 (not supported by this binding's tensors).</summary>
    BFloat16 = 16,
}
#pragma warning restore CA1720
