using System.Runtime.InteropServices;

namespace Cloud.OnnxRuntime.Native;

/// <summary>
/// The entries of ONNX Runtime's <c>OrtApi</c> function table that this binding calls, read once.
/// </summary>
/// <remarks>
/// The table is append-only across releases, so an entry's index never changes. The indices in <see cref="Slot"/>
/// MUST MATCH the declaration order of <c>struct OrtApi</c> in onnxruntime_c_api.h (0-based). We ask
/// <c>GetApi</c> for <see cref="RequiredVersion"/>, the newest API version whose entries we use, so an older
/// library fails at load with a clear message instead of calling past the end of its table.
/// All handles are passed as <see cref="nint"/>; every function returning <c>OrtStatus*</c> goes through
/// <see cref="Check"/>.
/// </remarks>
internal sealed unsafe class OrtApi
{
    /// <summary>The newest API version whose entries we use (the CUDA provider options V2 entries arrived in 11).</summary>
    public const uint RequiredVersion = 11;

    private static readonly Lazy<OrtApi> s_instance = new(Create, LazyThreadSafetyMode.ExecutionAndPublication);

    private OrtApi(nint* table, string source, string version)
    {
        LibraryPath = source;
        Version = version;
        GetErrorCode = (delegate* unmanaged<nint, OrtErrorCode>)table[Slot.GetErrorCode];
        GetErrorMessage = (delegate* unmanaged<nint, byte*>)table[Slot.GetErrorMessage];
        CreateEnv = (delegate* unmanaged<int, byte*, nint*, nint>)table[Slot.CreateEnv];
        CreateSession = (delegate* unmanaged<nint, byte*, nint, nint*, nint>)table[Slot.CreateSession];
        CreateSessionFromArray = (delegate* unmanaged<nint, void*, nuint, nint, nint*, nint>)table[Slot.CreateSessionFromArray];
        Run = (delegate* unmanaged<nint, nint, nint*, nint*, nuint, nint*, nuint, nint*, nint>)table[Slot.Run];
        CreateSessionOptions = (delegate* unmanaged<nint*, nint>)table[Slot.CreateSessionOptions];
        SetSessionExecutionMode = (delegate* unmanaged<nint, int, nint>)table[Slot.SetSessionExecutionMode];
        EnableCpuMemArena = (delegate* unmanaged<nint, nint>)table[Slot.EnableCpuMemArena];
        DisableCpuMemArena = (delegate* unmanaged<nint, nint>)table[Slot.DisableCpuMemArena];
        SetSessionGraphOptimizationLevel = (delegate* unmanaged<nint, int, nint>)table[Slot.SetSessionGraphOptimizationLevel];
        SetIntraOpNumThreads = (delegate* unmanaged<nint, int, nint>)table[Slot.SetIntraOpNumThreads];
        SetInterOpNumThreads = (delegate* unmanaged<nint, int, nint>)table[Slot.SetInterOpNumThreads];
        SessionGetInputCount = (delegate* unmanaged<nint, nuint*, nint>)table[Slot.SessionGetInputCount];
        SessionGetOutputCount = (delegate* unmanaged<nint, nuint*, nint>)table[Slot.SessionGetOutputCount];
        SessionGetInputTypeInfo = (delegate* unmanaged<nint, nuint, nint*, nint>)table[Slot.SessionGetInputTypeInfo];
        SessionGetOutputTypeInfo = (delegate* unmanaged<nint, nuint, nint*, nint>)table[Slot.SessionGetOutputTypeInfo];
        SessionGetInputName = (delegate* unmanaged<nint, nuint, nint, byte**, nint>)table[Slot.SessionGetInputName];
        SessionGetOutputName = (delegate* unmanaged<nint, nuint, nint, byte**, nint>)table[Slot.SessionGetOutputName];
        CreateRunOptions = (delegate* unmanaged<nint*, nint>)table[Slot.CreateRunOptions];
        RunOptionsSetTerminate = (delegate* unmanaged<nint, nint>)table[Slot.RunOptionsSetTerminate];
        CreateTensorAsOrtValue = (delegate* unmanaged<nint, long*, nuint, TensorElementType, nint*, nint>)table[Slot.CreateTensorAsOrtValue];
        CreateTensorWithDataAsOrtValue = (delegate* unmanaged<nint, void*, nuint, long*, nuint, TensorElementType, nint*, nint>)table[Slot.CreateTensorWithDataAsOrtValue];
        GetTensorMutableData = (delegate* unmanaged<nint, void**, nint>)table[Slot.GetTensorMutableData];
        FillStringTensor = (delegate* unmanaged<nint, byte**, nuint, nint>)table[Slot.FillStringTensor];
        GetStringTensorDataLength = (delegate* unmanaged<nint, nuint*, nint>)table[Slot.GetStringTensorDataLength];
        GetStringTensorContent = (delegate* unmanaged<nint, void*, nuint, nuint*, nuint, nint>)table[Slot.GetStringTensorContent];
        CastTypeInfoToTensorInfo = (delegate* unmanaged<nint, nint*, nint>)table[Slot.CastTypeInfoToTensorInfo];
        GetOnnxTypeFromTypeInfo = (delegate* unmanaged<nint, OnnxValueType*, nint>)table[Slot.GetOnnxTypeFromTypeInfo];
        GetTensorElementType = (delegate* unmanaged<nint, TensorElementType*, nint>)table[Slot.GetTensorElementType];
        GetDimensionsCount = (delegate* unmanaged<nint, nuint*, nint>)table[Slot.GetDimensionsCount];
        GetDimensions = (delegate* unmanaged<nint, long*, nuint, nint>)table[Slot.GetDimensions];
        GetSymbolicDimensions = (delegate* unmanaged<nint, byte**, nuint, nint>)table[Slot.GetSymbolicDimensions];
        GetTensorTypeAndShape = (delegate* unmanaged<nint, nint*, nint>)table[Slot.GetTensorTypeAndShape];
        GetValueType = (delegate* unmanaged<nint, OnnxValueType*, nint>)table[Slot.GetValueType];
        CreateCpuMemoryInfo = (delegate* unmanaged<int, int, nint*, nint>)table[Slot.CreateCpuMemoryInfo];
        AllocatorFree = (delegate* unmanaged<nint, void*, nint>)table[Slot.AllocatorFree];
        GetAllocatorWithDefaultOptions = (delegate* unmanaged<nint*, nint>)table[Slot.GetAllocatorWithDefaultOptions];
        ReleaseEnv = (delegate* unmanaged<nint, void>)table[Slot.ReleaseEnv];
        ReleaseStatus = (delegate* unmanaged<nint, void>)table[Slot.ReleaseStatus];
        ReleaseMemoryInfo = (delegate* unmanaged<nint, void>)table[Slot.ReleaseMemoryInfo];
        ReleaseSession = (delegate* unmanaged<nint, void>)table[Slot.ReleaseSession];
        ReleaseValue = (delegate* unmanaged<nint, void>)table[Slot.ReleaseValue];
        ReleaseRunOptions = (delegate* unmanaged<nint, void>)table[Slot.ReleaseRunOptions];
        ReleaseTypeInfo = (delegate* unmanaged<nint, void>)table[Slot.ReleaseTypeInfo];
        ReleaseTensorTypeAndShapeInfo = (delegate* unmanaged<nint, void>)table[Slot.ReleaseTensorTypeAndShapeInfo];
        ReleaseSessionOptions = (delegate* unmanaged<nint, void>)table[Slot.ReleaseSessionOptions];
        SessionGetModelMetadata = (delegate* unmanaged<nint, nint*, nint>)table[Slot.SessionGetModelMetadata];
        ModelMetadataGetProducerName = (delegate* unmanaged<nint, nint, byte**, nint>)table[Slot.ModelMetadataGetProducerName];
        ModelMetadataGetGraphName = (delegate* unmanaged<nint, nint, byte**, nint>)table[Slot.ModelMetadataGetGraphName];
        ModelMetadataGetDomain = (delegate* unmanaged<nint, nint, byte**, nint>)table[Slot.ModelMetadataGetDomain];
        ModelMetadataGetDescription = (delegate* unmanaged<nint, nint, byte**, nint>)table[Slot.ModelMetadataGetDescription];
        ModelMetadataLookupCustomMetadataMap = (delegate* unmanaged<nint, nint, byte*, byte**, nint>)table[Slot.ModelMetadataLookupCustomMetadataMap];
        ModelMetadataGetVersion = (delegate* unmanaged<nint, long*, nint>)table[Slot.ModelMetadataGetVersion];
        ReleaseModelMetadata = (delegate* unmanaged<nint, void>)table[Slot.ReleaseModelMetadata];
        ModelMetadataGetCustomMetadataMapKeys = (delegate* unmanaged<nint, nint, byte***, long*, nint>)table[Slot.ModelMetadataGetCustomMetadataMapKeys];
        GetAvailableProviders = (delegate* unmanaged<byte***, int*, nint>)table[Slot.GetAvailableProviders];
        ReleaseAvailableProviders = (delegate* unmanaged<byte**, int, nint>)table[Slot.ReleaseAvailableProviders];
        AddSessionConfigEntry = (delegate* unmanaged<nint, byte*, byte*, nint>)table[Slot.AddSessionConfigEntry];
        ModelMetadataGetGraphDescription = (delegate* unmanaged<nint, nint, byte**, nint>)table[Slot.ModelMetadataGetGraphDescription];
        CreateCUDAProviderOptions = (delegate* unmanaged<nint*, nint>)table[Slot.CreateCUDAProviderOptions];
        UpdateCUDAProviderOptions = (delegate* unmanaged<nint, byte**, byte**, nuint, nint>)table[Slot.UpdateCUDAProviderOptions];
        SessionOptionsAppendExecutionProvider_CUDA_V2 = (delegate* unmanaged<nint, nint, nint>)table[Slot.SessionOptionsAppendExecutionProvider_CUDA_V2];
        ReleaseCUDAProviderOptions = (delegate* unmanaged<nint, void>)table[Slot.ReleaseCUDAProviderOptions];
    }

    /// <summary>The table, loaded on first use from the library <see cref="OrtNativeLibrary"/> finds.</summary>
    public static OrtApi Instance => s_instance.Value;

    /// <summary>Where the library was loaded from.</summary>
    public string LibraryPath { get; }

    /// <summary>ONNX Runtime's version string, e.g. "1.30.0".</summary>
    public string Version { get; }

#pragma warning disable CA1707, SA1310 // Field names mirror the C API's entries.
    public readonly delegate* unmanaged<nint, OrtErrorCode> GetErrorCode;
    public readonly delegate* unmanaged<nint, byte*> GetErrorMessage;
    public readonly delegate* unmanaged<int, byte*, nint*, nint> CreateEnv;
    public readonly delegate* unmanaged<nint, byte*, nint, nint*, nint> CreateSession;
    public readonly delegate* unmanaged<nint, void*, nuint, nint, nint*, nint> CreateSessionFromArray;
    public readonly delegate* unmanaged<nint, nint, nint*, nint*, nuint, nint*, nuint, nint*, nint> Run;
    public readonly delegate* unmanaged<nint*, nint> CreateSessionOptions;
    public readonly delegate* unmanaged<nint, int, nint> SetSessionExecutionMode;
    public readonly delegate* unmanaged<nint, nint> EnableCpuMemArena;
    public readonly delegate* unmanaged<nint, nint> DisableCpuMemArena;
    public readonly delegate* unmanaged<nint, int, nint> SetSessionGraphOptimizationLevel;
    public readonly delegate* unmanaged<nint, int, nint> SetIntraOpNumThreads;
    public readonly delegate* unmanaged<nint, int, nint> SetInterOpNumThreads;
    public readonly delegate* unmanaged<nint, nuint*, nint> SessionGetInputCount;
    public readonly delegate* unmanaged<nint, nuint*, nint> SessionGetOutputCount;
    public readonly delegate* unmanaged<nint, nuint, nint*, nint> SessionGetInputTypeInfo;
    public readonly delegate* unmanaged<nint, nuint, nint*, nint> SessionGetOutputTypeInfo;
    public readonly delegate* unmanaged<nint, nuint, nint, byte**, nint> SessionGetInputName;
    public readonly delegate* unmanaged<nint, nuint, nint, byte**, nint> SessionGetOutputName;
    public readonly delegate* unmanaged<nint*, nint> CreateRunOptions;
    public readonly delegate* unmanaged<nint, nint> RunOptionsSetTerminate;
    public readonly delegate* unmanaged<nint, long*, nuint, TensorElementType, nint*, nint> CreateTensorAsOrtValue;
    public readonly delegate* unmanaged<nint, void*, nuint, long*, nuint, TensorElementType, nint*, nint> CreateTensorWithDataAsOrtValue;
    public readonly delegate* unmanaged<nint, void**, nint> GetTensorMutableData;
    public readonly delegate* unmanaged<nint, byte**, nuint, nint> FillStringTensor;
    public readonly delegate* unmanaged<nint, nuint*, nint> GetStringTensorDataLength;
    public readonly delegate* unmanaged<nint, void*, nuint, nuint*, nuint, nint> GetStringTensorContent;
    public readonly delegate* unmanaged<nint, nint*, nint> CastTypeInfoToTensorInfo;
    public readonly delegate* unmanaged<nint, OnnxValueType*, nint> GetOnnxTypeFromTypeInfo;
    public readonly delegate* unmanaged<nint, TensorElementType*, nint> GetTensorElementType;
    public readonly delegate* unmanaged<nint, nuint*, nint> GetDimensionsCount;
    public readonly delegate* unmanaged<nint, long*, nuint, nint> GetDimensions;
    public readonly delegate* unmanaged<nint, byte**, nuint, nint> GetSymbolicDimensions;
    public readonly delegate* unmanaged<nint, nint*, nint> GetTensorTypeAndShape;
    public readonly delegate* unmanaged<nint, OnnxValueType*, nint> GetValueType;
    public readonly delegate* unmanaged<int, int, nint*, nint> CreateCpuMemoryInfo;
    public readonly delegate* unmanaged<nint, void*, nint> AllocatorFree;
    public readonly delegate* unmanaged<nint*, nint> GetAllocatorWithDefaultOptions;
    public readonly delegate* unmanaged<nint, void> ReleaseEnv;
    public readonly delegate* unmanaged<nint, void> ReleaseStatus;
    public readonly delegate* unmanaged<nint, void> ReleaseMemoryInfo;
    public readonly delegate* unmanaged<nint, void> ReleaseSession;
    public readonly delegate* unmanaged<nint, void> ReleaseValue;
    public readonly delegate* unmanaged<nint, void> ReleaseRunOptions;
    public readonly delegate* unmanaged<nint, void> ReleaseTypeInfo;
    public readonly delegate* unmanaged<nint, void> ReleaseTensorTypeAndShapeInfo;
    public readonly delegate* unmanaged<nint, void> ReleaseSessionOptions;
    public readonly delegate* unmanaged<nint, nint*, nint> SessionGetModelMetadata;
    public readonly delegate* unmanaged<nint, nint, byte**, nint> ModelMetadataGetProducerName;
    public readonly delegate* unmanaged<nint, nint, byte**, nint> ModelMetadataGetGraphName;
    public readonly delegate* unmanaged<nint, nint, byte**, nint> ModelMetadataGetDomain;
    public readonly delegate* unmanaged<nint, nint, byte**, nint> ModelMetadataGetDescription;
    public readonly delegate* unmanaged<nint, nint, byte*, byte**, nint> ModelMetadataLookupCustomMetadataMap;
    public readonly delegate* unmanaged<nint, long*, nint> ModelMetadataGetVersion;
    public readonly delegate* unmanaged<nint, void> ReleaseModelMetadata;
    public readonly delegate* unmanaged<nint, nint, byte***, long*, nint> ModelMetadataGetCustomMetadataMapKeys;
    public readonly delegate* unmanaged<byte***, int*, nint> GetAvailableProviders;
    public readonly delegate* unmanaged<byte**, int, nint> ReleaseAvailableProviders;
    public readonly delegate* unmanaged<nint, byte*, byte*, nint> AddSessionConfigEntry;
    public readonly delegate* unmanaged<nint, nint, byte**, nint> ModelMetadataGetGraphDescription;
    public readonly delegate* unmanaged<nint*, nint> CreateCUDAProviderOptions;
    public readonly delegate* unmanaged<nint, byte**, byte**, nuint, nint> UpdateCUDAProviderOptions;
    public readonly delegate* unmanaged<nint, nint, nint> SessionOptionsAppendExecutionProvider_CUDA_V2;
    public readonly delegate* unmanaged<nint, void> ReleaseCUDAProviderOptions;
#pragma warning restore CA1707, SA1310

    /// <summary>
    /// The one place every <c>OrtStatus*</c> is checked: null is success; otherwise read the code and message,
    /// release the status, and throw <see cref="OnnxRuntimeException"/>.
    /// </summary>
    public void Check(nint status)
    {
        if (status != 0)
        {
            ThrowFromStatus(status);
        }
    }

    private void ThrowFromStatus(nint status)
    {
        OrtErrorCode code;
        string message;
        try
        {
            code = GetErrorCode(status);
            message = Marshal.PtrToStringUTF8((nint)GetErrorMessage(status)) ?? "(no message)";
        }
        finally
        {
            ReleaseStatus(status);
        }

        throw new OnnxRuntimeException(code, message);
    }

    private static OrtApi Create()
    {
        var (_, source, getApiBaseExport) = OrtNativeLibrary.Load();
        var getApiBase = (delegate* unmanaged<nint*>)getApiBaseExport;

        // struct OrtApiBase { const OrtApi* (*GetApi)(uint32_t version); const char* (*GetVersionString)(void); }
        var apiBase = getApiBase();
        var getApi = (delegate* unmanaged<uint, nint*>)apiBase[0];
        var getVersionString = (delegate* unmanaged<byte*>)apiBase[1];
        var version = Marshal.PtrToStringUTF8((nint)getVersionString()) ?? "unknown";
        var table = getApi(RequiredVersion);
        if (table == null)
        {
            throw new OnnxRuntimeException(OrtErrorCode.Fail,
                $"ONNX Runtime {version} at '{source}' does not provide C API version {RequiredVersion}; a newer ONNX Runtime is needed.");
        }

        return new OrtApi(table, source, version);
    }

    /// <summary>0-based positions in <c>struct OrtApi</c>; must match onnxruntime_c_api.h.</summary>
    private static class Slot
    {
        public const int GetErrorCode = 1;
        public const int GetErrorMessage = 2;
        public const int CreateEnv = 3;
        public const int CreateSession = 7;
        public const int CreateSessionFromArray = 8;
        public const int Run = 9;
        public const int CreateSessionOptions = 10;
        public const int SetSessionExecutionMode = 13;
        public const int EnableCpuMemArena = 18;
        public const int DisableCpuMemArena = 19;
        public const int SetSessionGraphOptimizationLevel = 23;
        public const int SetIntraOpNumThreads = 24;
        public const int SetInterOpNumThreads = 25;
        public const int SessionGetInputCount = 30;
        public const int SessionGetOutputCount = 31;
        public const int SessionGetInputTypeInfo = 33;
        public const int SessionGetOutputTypeInfo = 34;
        public const int SessionGetInputName = 36;
        public const int SessionGetOutputName = 37;
        public const int CreateRunOptions = 39;
        public const int RunOptionsSetTerminate = 46;
        public const int CreateTensorAsOrtValue = 48;
        public const int CreateTensorWithDataAsOrtValue = 49;
        public const int GetTensorMutableData = 51;
        public const int FillStringTensor = 52;
        public const int GetStringTensorDataLength = 53;
        public const int GetStringTensorContent = 54;
        public const int CastTypeInfoToTensorInfo = 55;
        public const int GetOnnxTypeFromTypeInfo = 56;
        public const int GetTensorElementType = 60;
        public const int GetDimensionsCount = 61;
        public const int GetDimensions = 62;
        public const int GetSymbolicDimensions = 63;
        public const int GetTensorTypeAndShape = 65;
        public const int GetValueType = 67;
        public const int CreateCpuMemoryInfo = 69;
        public const int AllocatorFree = 76;
        public const int GetAllocatorWithDefaultOptions = 78;
        public const int ReleaseEnv = 92;
        public const int ReleaseStatus = 93;
        public const int ReleaseMemoryInfo = 94;
        public const int ReleaseSession = 95;
        public const int ReleaseValue = 96;
        public const int ReleaseRunOptions = 97;
        public const int ReleaseTypeInfo = 98;
        public const int ReleaseTensorTypeAndShapeInfo = 99;
        public const int ReleaseSessionOptions = 100;
        public const int SessionGetModelMetadata = 111;
        public const int ModelMetadataGetProducerName = 112;
        public const int ModelMetadataGetGraphName = 113;
        public const int ModelMetadataGetDomain = 114;
        public const int ModelMetadataGetDescription = 115;
        public const int ModelMetadataLookupCustomMetadataMap = 116;
        public const int ModelMetadataGetVersion = 117;
        public const int ReleaseModelMetadata = 118;
        public const int ModelMetadataGetCustomMetadataMapKeys = 123;
        public const int GetAvailableProviders = 125;
        public const int ReleaseAvailableProviders = 126;
        public const int AddSessionConfigEntry = 130;
        public const int ModelMetadataGetGraphDescription = 158;
        public const int CreateCUDAProviderOptions = 205;
        public const int UpdateCUDAProviderOptions = 206;
        public const int SessionOptionsAppendExecutionProvider_CUDA_V2 = 204;
        public const int ReleaseCUDAProviderOptions = 208;
    }
}
