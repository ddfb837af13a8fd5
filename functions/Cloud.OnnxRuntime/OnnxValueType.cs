namespace Cloud.OnnxRuntime;

/// <summary>Kinds of ONNX values; values match <c>ONNXType</c> in onnxruntime_c_api.h.</summary>
public enum OnnxValueType
{
    /// <summary>Not known.</summary>
    Unknown = 0,
    /// <summary>A dense tensor.</summary>
    Tensor = 1,
    /// <summary>A sequence of values.</summary>
    Sequence = 2,
    /// <summary>A map.</summary>
    Map = 3,
    /// <summary>An opaque value.</summary>
    Opaque = 4,
    /// <summary>A sparse tensor.</summary>
    SparseTensor = 5,
    /// <summary>An optional value.</summary>
    Optional = 6,
}
