using Cloud.Serving.Tensors;

namespace Cloud.Serving.Protocols.Tensors;

/// <summary>Facts about the element types the codecs read and write.</summary>
internal static class ElementKinds
{
    /// <summary>
    /// Whether requests can carry this element type: every type our binding's tensors hold. bfloat16 travels only as
    /// raw bytes (binary tensor data, gRPC raw contents); JSON requests refuse it and JSON answers write its values.
    /// </summary>
    public static bool IsSupported(TensorElementType type) => type is TensorElementType.Float or TensorElementType.Double
        or TensorElementType.Float16 or TensorElementType.BFloat16 or TensorElementType.Int8 or TensorElementType.UInt8 or TensorElementType.Int16
        or TensorElementType.UInt16 or TensorElementType.Int32 or TensorElementType.UInt32 or TensorElementType.Int64
        or TensorElementType.UInt64 or TensorElementType.Bool or TensorElementType.String;

    /// <summary>The range of a numeric type, for out-of-range messages.</summary>
    public static string RangeText(TensorElementType type) => type switch
    {
        TensorElementType.Float => "-3.4028235E+38 to 3.4028235E+38",
        TensorElementType.Double => "-1.7976931348623157E+308 to 1.7976931348623157E+308",
        TensorElementType.Float16 => "-65504 to 65504",
        TensorElementType.Int8 => "-128 to 127",
        TensorElementType.UInt8 => "0 to 255",
        TensorElementType.Int16 => "-32768 to 32767",
        TensorElementType.UInt16 => "0 to 65535",
        TensorElementType.Int32 => "-2147483648 to 2147483647",
        TensorElementType.UInt32 => "0 to 4294967295",
        TensorElementType.Int64 => "-9223372036854775808 to 9223372036854775807",
        TensorElementType.UInt64 => "0 to 18446744073709551615",
        _ => "",
    };
}
