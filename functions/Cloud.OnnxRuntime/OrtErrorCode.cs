namespace Cloud.OnnxRuntime;

/// <summary>ONNX Runtime's error codes; values match <c>OrtErrorCode</c> in onnxruntime_c_api.h.</summary>
public enum OrtErrorCode
{
    /// <summary>No error.</summary>
    Ok = 0,
    /// <summary>Unspecified failure.</summary>
    Fail = 1,
    /// <summary>An argument was not valid (unknown input, wrong type or shape, ...).</summary>
    InvalidArgument = 2,
    /// <summary>A file was not found.</summary>
    NoSuchFile = 3,
    /// <summary>No model was loaded.</summary>
    NoModel = 4,
    /// <summary>The engine failed.</summary>
    EngineError = 5,
    /// <summary>A runtime exception was raised inside ORT.</summary>
    RuntimeException = 6,
    /// <summary>The model bytes are not a valid ONNX protobuf.</summary>
    InvalidProtobuf = 7,
    /// <summary>The model was already loaded.</summary>
    ModelLoaded = 8,
    /// <summary>The operation is not implemented.</summary>
    NotImplemented = 9,
    /// <summary>The model's graph is not valid.</summary>
    InvalidGraph = 10,
    /// <summary>An execution provider failed.</summary>
    ExecutionProviderFailure = 11,
}
