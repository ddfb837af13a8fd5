namespace Cloud.OnnxRuntime;

/// <summary>
/// The one exception type of this binding. It carries ONNX Runtime's error code and message when ORT
/// reported the failure, and <see cref="OrtErrorCode.InvalidArgument"/> (or <see cref="OrtErrorCode.NoSuchFile"/>)
/// with our own message when the binding refused a call before it reached ORT.
/// </summary>
public sealed class OnnxRuntimeException : Exception
{
    /// <summary>Creates an exception with an error code and a message.</summary>
    public OnnxRuntimeException(OrtErrorCode errorCode, string message)
        : base(message)
    {
        ErrorCode = errorCode;
    }

    /// <summary>Creates an exception with an error code, a message and the exception that caused it.</summary>
    public OnnxRuntimeException(OrtErrorCode errorCode, string message, Exception innerException)
        : base(message, innerException)
    {
        ErrorCode = errorCode;
    }

    /// <summary>ONNX Runtime's error code (the C API's <c>OrtErrorCode</c>).</summary>
    public OrtErrorCode ErrorCode { get; }
}
