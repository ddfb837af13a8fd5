using Cloud.Serving.Tensors;

namespace Cloud.Serving.Protocols.TfServing;

/// <summary>ONNX element types as TensorFlow's DataType enum names them in metadata.</summary>
internal static class TfDataTypes
{
    public static string Name(TensorElementType type) => type switch
    {
        TensorElementType.Float => "DT_FLOAT",
        TensorElementType.Double => "DT_DOUBLE",
        TensorElementType.Float16 => "DT_HALF",
        TensorElementType.BFloat16 => "DT_BFLOAT16",
        TensorElementType.Int8 => "DT_INT8",
        TensorElementType.UInt8 => "DT_UINT8",
        TensorElementType.Int16 => "DT_INT16",
        TensorElementType.UInt16 => "DT_UINT16",
        TensorElementType.Int32 => "DT_INT32",
        TensorElementType.UInt32 => "DT_UINT32",
        TensorElementType.Int64 => "DT_INT64",
        TensorElementType.UInt64 => "DT_UINT64",
        TensorElementType.Bool => "DT_BOOL",
        TensorElementType.String => "DT_STRING",
        TensorElementType.Complex64 => "DT_COMPLEX64",
        TensorElementType.Complex128 => "DT_COMPLEX128",
        _ => "DT_INVALID",
    };
}
